package dev.rnn4j.backend.cpu;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.BackendContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;

/** The backend contract with Intel MKL running the float32 products (where MKL loads: linux-x86_64). */
class MklBackendContractTest extends BackendContract {
    private static final Backend BACKEND = new Nd4jCpuBackend(0, CpuBlas.MKL);

    @BeforeAll
    static void mklLoads() {
        Assumptions.assumeTrue(CpuBlas.mklFailure() == null, () -> "MKL does not load: " + CpuBlas.mklFailure());
    }

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}

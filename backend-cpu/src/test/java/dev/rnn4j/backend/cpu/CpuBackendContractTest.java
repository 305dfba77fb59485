package dev.rnn4j.backend.cpu;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.BackendContract;

/** The backend contract on ND4J's native CPU runtime with OpenBLAS products, its fast float32 paths and its fallbacks. */
class CpuBackendContractTest extends BackendContract {
    private static final Backend BACKEND = new Nd4jCpuBackend(0, CpuBlas.OPENBLAS);

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}

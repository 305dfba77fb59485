package dev.rnn4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.BackendContract;
import dev.rnn4j.api.PreparedMatrix;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

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

    /** The prepared products above run on MKL's packed format for float32, and on the plain matrix for float64. */
    @Test
    void float32MatricesArePackedAndFloat64OnesKeptAsTheyAre() {
        PreparedMatrix floats = BACKEND.prepare(BACKEND.zeros(DataType.FLOAT, 16, 8), true, 4, null);
        PreparedMatrix doubles = BACKEND.prepare(BACKEND.zeros(DataType.DOUBLE, 16, 8), true, 4, null);

        assertThat(floats).isNotInstanceOf(PreparedMatrix.Plain.class);
        assertThat(doubles).isInstanceOf(PreparedMatrix.Plain.class);
        assertThat(floats.transposed()).isTrue();
        assertThat(floats.rows()).isEqualTo(4);
    }
}

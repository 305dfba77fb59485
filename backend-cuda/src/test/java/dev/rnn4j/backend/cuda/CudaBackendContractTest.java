package dev.rnn4j.backend.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.BackendContract;
import org.junit.jupiter.api.BeforeAll;

/**
 * The backend contract on ND4J's CUDA runtime. Runs only where ND4J starts on CUDA (an NVIDIA GPU and the CUDA natives
 * on the test classpath: {@code mvn -B -Pgpu -pl backend-cuda -am test}); elsewhere, as in the default build, which has
 * no CUDA natives, every test reports SKIPPED with the backend's own explanation, also printed.
 */
class CudaBackendContractTest extends BackendContract {
    private static final Backend BACKEND = new Nd4jCudaBackend();
    private static String unavailable;

    @BeforeAll
    static void checkCuda() {
        try {
            BACKEND.ensureReady();
            System.out.println("CUDA backend contract running on " + BACKEND.describe());
        } catch (IllegalStateException failure) {
            unavailable = "CUDA backend contract SKIPPED, no usable CUDA runtime here: " + failure.getMessage();
            System.out.println(unavailable);
        }
    }

    /** Every test asks for the backend first, so each one reports SKIPPED with the reason when CUDA is unavailable. */
    @Override
    protected Backend backend() {
        assumeTrue(unavailable == null, unavailable);
        return BACKEND;
    }
}

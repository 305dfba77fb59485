package dev.rnn4j.backend.cpu;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.BackendContract;

/** The backend contract on ND4J's native CPU runtime, its fast float32 paths and its fallbacks. */
class CpuBackendContractTest extends BackendContract {
    private static final Backend BACKEND = new Nd4jCpuBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}

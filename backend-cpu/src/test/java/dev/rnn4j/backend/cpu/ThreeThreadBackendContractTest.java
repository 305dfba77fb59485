package dev.rnn4j.backend.cpu;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.BackendContract;

/**
 * The backend contract with a team of three threads (more than this project's 2-core machines have: shares then take
 * turns on the cores), so that parts and product splits that do not fall in halves are covered too.
 */
class ThreeThreadBackendContractTest extends BackendContract {
    private static final Backend BACKEND = new Nd4jCpuBackend(3);

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}

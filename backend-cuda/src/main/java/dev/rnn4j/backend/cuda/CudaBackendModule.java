package dev.rnn4j.backend.cuda;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import dev.rnn4j.api.Backend;

/**
 * Binds {@link Backend} to ND4J's CUDA runtime. Only binds: it loads no library and probes no device; the backend
 * checks its runtime on first use.
 */
public final class CudaBackendModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(Backend.class).to(Nd4jCudaBackend.class).in(Scopes.SINGLETON);
    }
}

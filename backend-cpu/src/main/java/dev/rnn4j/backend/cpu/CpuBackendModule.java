package dev.rnn4j.backend.cpu;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import dev.rnn4j.api.Backend;

/**
 * Binds {@link Backend} to ND4J's native CPU runtime. Only binds: it loads no library and probes no device; the
 * backend checks its runtime on first use.
 */
public final class CpuBackendModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(Backend.class).to(Nd4jCpuBackend.class).in(Scopes.SINGLETON);
    }
}

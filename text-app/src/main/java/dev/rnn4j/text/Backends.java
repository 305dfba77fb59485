package dev.rnn4j.text;

import com.google.inject.Guice;
import com.google.inject.Module;
import dev.rnn4j.api.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The application's one injector: finds the backend's Guice module that the Maven profile put on the classpath
 * ({@code cpu} by default, {@code cuda} with {@code -Pcuda}) and asks it for the {@link Backend}.
 */
public final class Backends {
    private Backends() {
    }

    /**
     * @return the ready backend
     * @throws IllegalStateException when no or several backend modules are on the classpath, or the runtime fails
     */
    public static Backend load() {
        List<Module> modules = new ArrayList<>();
        ServiceLoader.load(Module.class).forEach(modules::add);
        if (modules.isEmpty()) {
            throw new IllegalStateException("no rnn4j backend on the classpath: build the app with the cpu profile"
                    + " (the default, mvn -Pcpu ...) or the cuda profile (mvn -Pcuda ...)");
        }
        if (modules.size() > 1) {
            throw new IllegalStateException("several rnn4j backends on the classpath ("
                    + modules.stream().map(module -> module.getClass().getName()).toList()
                    + "); build with exactly one Maven profile, cpu or cuda");
        }
        Backend backend = Guice.createInjector(modules.get(0)).getInstance(Backend.class);
        backend.ensureReady();
        return backend;
    }
}

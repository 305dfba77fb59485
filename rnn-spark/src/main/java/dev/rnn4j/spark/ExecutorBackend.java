package dev.rnn4j.spark;

import com.google.inject.Guice;
import com.google.inject.Module;
import dev.rnn4j.api.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The executor JVM's one injector and {@link Backend}, made on first use by the first task that needs it, as the
 * apps make theirs: the backend's Guice module is the one the classpath lists under {@code META-INF/services}.
 *
 * <p>The tasks of an executor run side by side, one per task slot, and share the backend. Unless the JVM sets
 * {@value #THREADS_PROPERTY} itself, the backend gets the task's CPUs ({@code spark.task.cpus}, 1 by default): the
 * CPU backend's helper threads serve one caller at a time, so more threads would make the tasks wait for each other.
 */
final class ExecutorBackend {
    /** The CPU backend's thread count ({@code Nd4jCpuBackend.THREADS_PROPERTY}), read when it starts. */
    static final String THREADS_PROPERTY = "rnn4j.threads";
    private static Backend backend;

    private ExecutorBackend() {
    }

    /**
     * @param taskCpus the CPUs of one task, the backend's threads unless {@value #THREADS_PROPERTY} is set
     * @return the executor's ready backend, shared by its tasks
     * @throws IllegalStateException when no or several backend modules are on the executor's classpath
     */
    static synchronized Backend get(int taskCpus) {
        if (backend != null) {
            return backend;
        }
        if (System.getProperty(THREADS_PROPERTY) == null) {
            System.setProperty(THREADS_PROPERTY, Integer.toString(Math.max(1, taskCpus)));
        }
        List<Module> modules = new ArrayList<>();
        ServiceLoader.load(Module.class).forEach(modules::add);
        if (modules.isEmpty()) {
            throw new IllegalStateException("no rnn4j backend on the executor's classpath: ship backend-cpu (or"
                    + " backend-cuda) with the application's jar");
        }
        if (modules.size() > 1) {
            throw new IllegalStateException("several rnn4j backends on the executor's classpath ("
                    + modules.stream().map(module -> module.getClass().getName()).toList()
                    + "); ship exactly one, backend-cpu or backend-cuda");
        }
        Backend made = Guice.createInjector(modules.get(0)).getInstance(Backend.class);
        made.ensureReady();
        backend = made;
        return backend;
    }
}

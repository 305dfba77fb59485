package dev.rnn4j.mnist;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C during training. The first press asks training to stop: fit finishes the step in progress, a checkpoint is
 * written and the app exits with status 130. A second press quits at once (the last checkpoint written stays).
 *
 * <p>A JVM shutdown hook cannot do this: when it runs, the JVM is already exiting and the training thread may be
 * stopped mid-step. The handler is installed through {@code sun.misc.Signal} (module {@code jdk.unsupported}), called
 * by reflection so the build stays free of warnings about internal APIs; where it is not available (another JVM, or
 * {@code -Xrs}), Ctrl-C keeps its default behaviour and ends the program, and the checkpoints of the finished epochs
 * remain.
 */
final class InterruptSignal implements AutoCloseable {
    /** Exit status after an interruption: 128 + SIGINT, as shells report it. */
    static final int EXIT_INTERRUPTED = 130;

    private final AtomicBoolean requested = new AtomicBoolean();
    private final PrintStream console;
    private final boolean ignore;
    private Object signal;
    private Object previousHandler;
    private Method handle;

    private InterruptSignal(PrintStream console, boolean ignore) {
        this.console = console;
        this.ignore = ignore;
    }

    /**
     * Installs the handler for SIGINT, when the JVM allows it.
     *
     * @param console where to say that training will stop
     * @return the signal; close it to restore the previous handler
     */
    static InterruptSignal install(PrintStream console) {
        return install(new InterruptSignal(console, false));
    }

    /**
     * Ignores SIGINT until closed: for the process that restarted the app as a child (see {@link OpenBlasKernels}).
     * Ctrl-C in a terminal reaches both; the parent must stay and wait while the child writes its checkpoint (were
     * the parent to exit, its shutdown hook would end the child first).
     *
     * @return the signal; close it to restore the previous handler
     */
    static InterruptSignal ignore() {
        return install(new InterruptSignal(System.out, true));
    }

    private static InterruptSignal install(InterruptSignal interrupt) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance("INT");
            Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, arguments) -> switch (method.getName()) {
                        case "handle" -> {
                            interrupt.onSignal();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == arguments[0];
                        default -> "rnn4j training interrupt handler";
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            interrupt.previousHandler = handle.invoke(null, signal, handler);
            interrupt.signal = signal;
            interrupt.handle = handle;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError unavailable) {
            // No handler: Ctrl-C ends the program as usual.
        }
        return interrupt;
    }

    private void onSignal() {
        if (ignore) {
            return;
        }
        if (requested.compareAndSet(false, true)) {
            console.println();
            console.println("Ctrl-C: stopping after the current step and writing a checkpoint"
                    + " (press Ctrl-C again to quit at once)");
            console.flush();
            return;
        }
        console.println();
        console.println("Ctrl-C again: quitting without a checkpoint of the epoch in progress");
        console.flush();
        Runtime.getRuntime().halt(EXIT_INTERRUPTED);
    }

    /** @return whether Ctrl-C was pressed */
    boolean requested() {
        return requested.get();
    }

    /** @return whether the handler is installed */
    boolean installed() {
        return signal != null;
    }

    /** Restores the handler that was there before. */
    @Override
    public void close() {
        if (signal == null) {
            return;
        }
        try {
            handle.invoke(null, signal, previousHandler);
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // The JVM is on its way out or the signal is gone: nothing to restore.
        }
        signal = null;
    }
}

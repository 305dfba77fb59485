package dev.rnn4j.core;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ctrl-C (SIGINT) or SIGTERM during training. The first signal asks training to stop: fit finishes the step in
 * progress, a checkpoint is written and the app exits with 128 + the signal's number (130 for SIGINT, 143 for
 * SIGTERM), as shells report it. A second signal quits at once (the last checkpoint written stays).
 *
 * <p>A JVM shutdown hook cannot do this: when it runs, the JVM is already exiting and the training thread may be
 * stopped mid-step. The handlers are installed through {@code sun.misc.Signal} (module {@code jdk.unsupported}),
 * called by reflection so the build stays free of warnings about internal APIs; where it is not available (another
 * JVM, or {@code -Xrs}), the signals keep their default behaviour and end the program, and the checkpoints of the
 * finished epochs remain.
 */
public final class InterruptSignal implements AutoCloseable {
    /** Exit status after Ctrl-C: 128 + SIGINT. */
    public static final int EXIT_INTERRUPTED = 130;
    /** Exit status after SIGTERM: 128 + SIGTERM. */
    public static final int EXIT_TERMINATED = 143;

    /** The signals handled, with the exit status each leads to. */
    private enum Kind {
        INT("Ctrl-C", EXIT_INTERRUPTED), TERM("SIGTERM", EXIT_TERMINATED);

        final String spoken;
        final int exitStatus;

        Kind(String spoken, int exitStatus) {
            this.spoken = spoken;
            this.exitStatus = exitStatus;
        }
    }

    private final AtomicReference<Kind> received = new AtomicReference<>();
    private final PrintStream console;
    private final List<Object[]> installed = new ArrayList<>();
    private Method handle;

    private InterruptSignal(PrintStream console) {
        this.console = console;
    }

    /**
     * Installs the handlers for SIGINT and SIGTERM, when the JVM allows it.
     *
     * @param console where to say that training will stop
     * @return the handlers; close them to restore the previous ones
     */
    public static InterruptSignal install(PrintStream console) {
        InterruptSignal interrupt = new InterruptSignal(console);
        for (Kind kind : Kind.values()) {
            try {
                Class<?> signalClass = Class.forName("sun.misc.Signal");
                Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
                Object signal = signalClass.getConstructor(String.class).newInstance(kind.name());
                Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                        (proxy, method, arguments) -> switch (method.getName()) {
                            case "handle" -> {
                                interrupt.onSignal(kind);
                                yield null;
                            }
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == arguments[0];
                            default -> "rnn4j training " + kind.spoken + " handler";
                        });
                Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
                Object previous = handle.invoke(null, signal, handler);
                interrupt.handle = handle;
                interrupt.installed.add(new Object[] {signal, previous});
            } catch (ReflectiveOperationException | RuntimeException | LinkageError unavailable) {
                // No handler for this signal: it ends the program as usual.
            }
        }
        return interrupt;
    }

    private synchronized void onSignal(Kind kind) {
        if (received.get() == null) {
            // Said before training can see the request, so that this line comes before the checkpoint's.
            console.println();
            console.println(kind.spoken + ": stopping after the current step and writing a checkpoint"
                    + " (" + (kind == Kind.INT ? "press Ctrl-C" : "signal") + " again to quit at once)");
            console.flush();
            received.set(kind);
            return;
        }
        console.println();
        console.println(kind.spoken + " again: quitting without a checkpoint of the epoch in progress");
        console.flush();
        Runtime.getRuntime().halt(received.get().exitStatus);
    }

    /** @return whether a stop was asked for */
    public boolean requested() {
        return received.get() != null;
    }

    /** @return the exit status the stop asked for: 130 after Ctrl-C, 143 after SIGTERM, 130 when none came */
    public int exitStatus() {
        Kind kind = received.get();
        return kind == null ? EXIT_INTERRUPTED : kind.exitStatus;
    }

    /** @return whether the handlers are installed */
    public boolean installed() {
        return !installed.isEmpty();
    }

    /** Restores the handlers that were there before. */
    @Override
    public void close() {
        for (Object[] signalAndPrevious : installed) {
            try {
                handle.invoke(null, signalAndPrevious[0], signalAndPrevious[1]);
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // The JVM is on its way out or the signal is gone: nothing to restore.
            }
        }
        installed.clear();
    }
}

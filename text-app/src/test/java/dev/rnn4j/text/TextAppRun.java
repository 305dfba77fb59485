package dev.rnn4j.text;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import picocli.CommandLine;

/** For tests of the commands: runs the app in-process with its console captured. */
public final class TextAppRun {
    private TextAppRun() {
    }

    /** What a run returned and printed. */
    public record Result(int status, String out, String err) {
        /** @return the first line of the error stream */
        public String errorLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    public static Result run(String... args) {
        return run(CommandLine.defaultFactory(), args);
    }

    /**
     * @param type  the command class whose object {@code setup} prepares (its test hooks)
     * @param setup prepares it
     */
    public static <T> Result runWith(Class<T> type, Consumer<T> setup, String... args) {
        return run(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> created) throws Exception {
                K command = CommandLine.defaultFactory().create(created);
                if (type.isInstance(command)) {
                    setup.accept(type.cast(command));
                }
                return command;
            }
        }, args);
    }

    static Result run(CommandLine.IFactory factory, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(outStream);
            System.setErr(errStream);
            status = Main.run(factory, args);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

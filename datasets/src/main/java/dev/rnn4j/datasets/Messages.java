package dev.rnn4j.datasets;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The pieces of the fetcher's messages: sizes, causes, lists. */
final class Messages {

    private static final double KILOBYTE = 1_000.0;
    private static final double MEGABYTE = 1_000_000.0;

    private Messages() {
    }

    /** Formats a number of bytes for people: {@code 512 bytes}, {@code 29.4 kB}, {@code 9.9 MB}. */
    static String size(long bytes) {
        if (bytes < KILOBYTE) {
            return bytes + " bytes";
        }
        if (bytes < MEGABYTE) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / KILOBYTE);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / MEGABYTE);
    }

    /**
     * Describes an exception by the first message found along its causes, or, when none has a message (as with the
     * HTTP client's connection failures), by the types along its causes.
     */
    static String describe(Throwable exception) {
        List<String> types = new ArrayList<>();
        for (Throwable cause = exception; cause != null && types.size() < 5; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && !message.isBlank()) {
                return exception.getClass().getSimpleName() + ": " + message;
            }
            String type = cause.getClass().getSimpleName();
            if (!types.contains(type)) {
                types.add(type);
            }
        }
        String prefix = exception instanceof ConnectException ? "could not connect (" : "(";
        return prefix + String.join(": ", types) + ")";
    }

    /** @return the text ending with a full stop, unless it ends with one or another mark already */
    static String sentence(String text) {
        String stripped = text.strip();
        return stripped.endsWith(".") || stripped.endsWith("?") || stripped.endsWith("!") ? stripped : stripped + ".";
    }

    /** @return {@code a}, {@code a or b}, {@code a, b or c} */
    static String either(List<String> choices) {
        if (choices.size() <= 1) {
            return String.join("", choices);
        }
        return String.join(", ", choices.subList(0, choices.size() - 1)) + " or " + choices.get(choices.size() - 1);
    }

    /** @return a file's name, a folder's with a final {@code /}, as messages write them */
    static String label(DataFile file) {
        return file instanceof DataFile.Folder ? file.name() + "/" : file.name();
    }
}

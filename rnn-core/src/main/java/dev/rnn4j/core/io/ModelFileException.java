package dev.rnn4j.core.io;

import java.io.IOException;

/**
 * A model file or {@code .npy} file that cannot be read or written as it is: not a zip, a missing or malformed entry, a
 * weight of the wrong shape or type, a format written by a newer rnn4j. The message is one line that names the file
 * (for a zip entry: {@code <zip path>, entry <entry name>}), what was expected and what was found. Control characters
 * that a corrupt file puts into it (an entry name with a line break) are escaped (a line break becomes {@code \n}), so
 * the message stays one line and cannot forge lines of a log.
 */
public class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line: the file, what was expected, what was found
     */
    public ModelFileException(String message) {
        super(escapeControlCharacters(message));
    }

    /**
     * @param message one line: the file, what was expected, what was found
     * @param cause   the underlying failure
     */
    public ModelFileException(String message, Throwable cause) {
        super(escapeControlCharacters(message), cause);
    }

    private static String escapeControlCharacters(String message) {
        if (message == null || message.chars().noneMatch(ModelFileException::isControl)) {
            return message;
        }
        StringBuilder text = new StringBuilder(message.length() + 16);
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (isControl(c)) {
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        return text.toString();
    }

    /** C0 and C1 control characters, DEL, and Unicode's line and paragraph separators. */
    private static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029;
    }
}

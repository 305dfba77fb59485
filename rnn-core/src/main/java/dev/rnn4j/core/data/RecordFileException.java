package dev.rnn4j.core.data;

import java.io.IOException;

/**
 * A record file that cannot be read as it is: not a record file, a version this rnn4j does not read, sizes that do
 * not fit, a file cut short. The message is one line that names the file (and the record, where one is at fault),
 * what was expected and what was found; control characters (from a file name) are escaped so it stays one line.
 */
public class RecordFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line: the file, what was expected, what was found
     */
    public RecordFileException(String message) {
        super(escape(message));
    }

    /**
     * @param message one line: the file, what was expected, what was found
     * @param cause   the underlying failure
     */
    public RecordFileException(String message, Throwable cause) {
        super(escape(message), cause);
    }

    private static String escape(String message) {
        StringBuilder text = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029) {
                text.append(String.format("\\u%04x", (int) c));
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }
}

package dev.rnn4j.core.data;

import dev.rnn4j.core.io.IoErrors;
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
        super(IoErrors.oneLine(message));
    }

    /**
     * @param message one line: the file, what was expected, what was found
     * @param cause   the underlying failure
     */
    public RecordFileException(String message, Throwable cause) {
        super(IoErrors.oneLine(message), cause);
    }
}

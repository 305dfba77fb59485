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
        super(IoErrors.oneLine(message));
    }

    /**
     * @param message one line: the file, what was expected, what was found
     * @param cause   the underlying failure
     */
    public ModelFileException(String message, Throwable cause) {
        super(IoErrors.oneLine(message), cause);
    }
}

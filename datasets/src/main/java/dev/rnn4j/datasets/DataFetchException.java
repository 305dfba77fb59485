package dev.rnn4j.datasets;

import dev.rnn4j.core.io.IoErrors;
import java.io.IOException;

/**
 * A data set could not be obtained: npm and every download mirror failed, or a file's size, count or checksum did not
 * match.
 *
 * <p>The message is one line meant for the user as is: it names the data set and the files, where they were sought
 * (npm package, URLs), what was expected and what was found, and the options and environment variables that help.
 */
public class DataFetchException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the full message for the user; control characters (a tarball's odd entry name) are escaped
     */
    public DataFetchException(String message) {
        super(IoErrors.oneLine(message));
    }

    /**
     * @param message the full message for the user; control characters are escaped
     * @param cause   the underlying exception
     */
    public DataFetchException(String message, Throwable cause) {
        super(IoErrors.oneLine(message), cause);
    }
}

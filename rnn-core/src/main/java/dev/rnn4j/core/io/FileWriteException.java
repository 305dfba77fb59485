package dev.rnn4j.core.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that could not be written: the message names the file as the caller named it (never the temporary file the
 * bytes went to first) and the cause in words, as {@code cannot write runs/x/model.zip: no space left on device}. The
 * file is as it was before the write began.
 */
public class FileWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path target;

    /**
     * @param target the file as the caller named it
     * @param cause  what went wrong
     */
    public FileWriteException(Path target, IOException cause) {
        super("cannot write " + target + ": " + IoErrors.cause(cause), cause);
        this.target = target;
    }

    /** @return the file that could not be written, as the caller named it */
    public Path target() {
        return target;
    }

    /** @return whether the file system ran out of room */
    public boolean outOfSpace() {
        return IoErrors.isOutOfSpace(getCause());
    }
}

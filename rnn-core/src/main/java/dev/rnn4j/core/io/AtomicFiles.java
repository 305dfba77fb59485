package dev.rnn4j.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Writes a file so that no reader ever sees half of it and a failure leaves the old file as it was: the bytes go to a
 * hidden temporary file beside the target ({@code .model.zip.k3x9q2.tmp}), are forced to disk, and the temporary file
 * is then moved over the target, atomically where the file system can. Every file rnn4j and its applications write
 * goes through here, so they all get the same safety, permissions and messages.
 *
 * <ul>
 *   <li>The temporary file is created like any other file (mode 0666 less the umask), not owner-only as
 *       {@link Files#createTempFile} makes it, so every output of a run has the same mode.</li>
 *   <li>On failure the temporary file is deleted and a {@link FileWriteException} names the target as the caller
 *       named it, with the cause in words.</li>
 *   <li>A process killed mid-write leaves its temporary file; {@link #removeLeftovers} deletes them where no writer
 *       can be at work (a run folder its owner has locked, {@link RunFolder}).</li>
 * </ul>
 */
public final class AtomicFiles {
    /** The suffix of temporary files. */
    public static final String TEMP_SUFFIX = ".tmp";

    /**
     * Temporary files of this class ({@code .NAME.RANDOM.tmp}) and of the writers it replaced ({@code NAME.DIGITS.tmp},
     * {@code .NAMEDIGITS.tmp}, {@code .NAME.RANDOM.part}).
     */
    private static final Pattern LEFTOVER = Pattern.compile("\\..+\\.[0-9a-z]+\\.(tmp|part)|.+\\.[0-9]+\\.tmp"
            + "|\\..+[0-9]+\\.tmp");
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /** Writes a file's bytes; the stream is the temporary file's and is closed by {@link AtomicFiles}. */
    @FunctionalInterface
    public interface Content {
        /**
         * @param out where the bytes go
         * @throws IOException when writing fails; the target stays as it was
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} from {@code content}, creating missing parent folders.
     *
     * @param target  the file to create or replace, as the user named it (messages quote it)
     * @param content writes the bytes
     * @throws FileWriteException when the folder, the bytes or the move fail (the target stays as it was)
     * @throws IOException        what {@code content} throws of its own (a checksum that does not match, say),
     *                            after the temporary file is deleted
     */
    public static void write(Path target, Content content) throws IOException {
        Objects.requireNonNull(target, "target is null");
        Objects.requireNonNull(content, "content is null");
        Path absolute = target.toAbsolutePath().normalize();
        Path folder = absolute.getParent();
        if (folder == null || absolute.getFileName() == null) {
            throw new IllegalArgumentException("cannot write " + target
                    + ": expected a file path, found a root folder");
        }
        if (Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileWriteException(target, new FileSystemException(absolute.toString(), null,
                    "a folder of that name is in the way"));
        }
        Path temp;
        try {
            Files.createDirectories(folder);
            temp = folder.resolve(temporaryName(absolute.getFileName().toString()));
            Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        } catch (IOException failure) {
            throw new FileWriteException(target, failure);
        }
        boolean inContent = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                inContent = true;
                content.write(new UnclosableOutputStream(out));
                inContent = false;
                out.flush();
                channel.force(true);
            }
            move(temp, absolute);
        } catch (IOException failure) {
            deleteQuietly(temp, failure);
            // The content's own verdicts (a checksum, a model that cannot be saved) go out as they are.
            throw inContent && !isSystemFailure(failure) ? failure : new FileWriteException(target, failure);
        } catch (RuntimeException | Error failure) {
            deleteQuietly(temp, failure);
            throw failure;
        }
    }

    private static void deleteQuietly(Path temp, Throwable failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException deleteFailure) {
            failure.addSuppressed(deleteFailure);
        }
    }

    /**
     * Writes {@code target} as UTF-8 text.
     *
     * @param target the file
     * @param text   its content
     * @throws FileWriteException when writing fails (the target stays as it was)
     */
    public static void writeString(Path target, CharSequence text) throws IOException {
        write(target, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * @param name a file's name
     * @return whether it is a temporary file that a writer of rnn4j (this one, or one it replaced) left behind
     */
    public static boolean isLeftover(String name) {
        return LEFTOVER.matcher(name).matches();
    }

    /**
     * Deletes the temporary files left in a folder by writers that were killed. Only where no writer is at work: the
     * caller must own the folder (as a {@link RunFolder}'s lock makes it).
     *
     * @param folder the folder; nothing happens when it does not exist
     * @return how many were deleted
     * @throws IOException when the folder cannot be listed or a file not deleted
     */
    public static int removeLeftovers(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                if (isLeftover(entry.getFileName().toString())
                        && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(entry);
                    removed++;
                }
            }
        }
        return removed;
    }

    static String temporaryName(String fileName) {
        return "." + fileName + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + TEMP_SUFFIX;
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException unsupported) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** @return whether an exception from the content came from the file system beneath it, not from its own checks */
    private static boolean isSystemFailure(IOException failure) {
        return failure instanceof FileSystemException || failure.getClass() == IOException.class;
    }

    /** Keeps content writers (a zip stream's {@code close}) from closing the channel before it is forced to disk. */
    private static final class UnclosableOutputStream extends java.io.FilterOutputStream {
        UnclosableOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}

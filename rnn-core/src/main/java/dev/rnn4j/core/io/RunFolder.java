package dev.rnn4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A folder one training run owns while it runs: a lock file ({@value #LOCK_FILE}) held for the whole run keeps a second
 * writer out, and names the holder's process. Holding it, the run may delete what killed writers left
 * ({@link #removeLeftovers}) and the outputs of an earlier run ({@link #clear}).
 *
 * <p>The lock is the operating system's ({@link FileChannel#tryLock()}: {@code fcntl} on Linux), so it is released
 * when the process ends however it ends, {@code kill -9} included. The lock file holds the holder's pid while held.
 */
public final class RunFolder implements AutoCloseable {
    /** The lock file's name. */
    public static final String LOCK_FILE = ".lock";

    private final Path folder;
    private final FileChannel channel;
    private final FileLock lock;

    private RunFolder(Path folder, FileChannel channel, FileLock lock) {
        this.folder = folder;
        this.channel = channel;
        this.lock = lock;
    }

    /** Another process, or another run in this one, holds the folder. */
    public static final class LockedException extends IOException {
        private static final long serialVersionUID = 1L;

        private final transient Path folder;
        private final long holder;

        LockedException(Path folder, long holder) {
            super(folder + " is in use by another run (process " + (holder > 0 ? holder : "unknown") + ")");
            this.folder = folder;
            this.holder = holder;
        }

        /** @return the folder */
        public Path folder() {
            return folder;
        }

        /** @return the pid of the process that holds it, or -1 when it did not say */
        public long holder() {
            return holder;
        }
    }

    /**
     * Creates the folder if needed and takes its lock, without waiting.
     *
     * @param folder the run folder, as the user named it
     * @return the held folder; close it when the run ends
     * @throws LockedException    when another run holds it
     * @throws FileWriteException when the folder or its lock file cannot be made
     */
    public static RunFolder lock(Path folder) throws IOException {
        Objects.requireNonNull(folder, "folder is null");
        Path lockFile = folder.resolve(LOCK_FILE);
        try {
            Files.createDirectories(folder);
        } catch (IOException failure) {
            throw new FileWriteException(folder, failure);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException failure) {
            throw new FileWriteException(folder, failure);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                lock = null;
            }
            if (lock == null) {
                throw new LockedException(folder, holder(channel));
            }
            channel.truncate(0);
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new RunFolder(folder, channel, lock);
        } catch (IOException | RuntimeException | Error failure) {
            channel.close();
            if (failure instanceof IOException io && !(failure instanceof LockedException)) {
                throw new FileWriteException(folder, io);
            }
            throw failure;
        }
    }

    /** @return the folder, as it was named */
    public Path path() {
        return folder;
    }

    /**
     * @return the names in the folder besides the lock file and the leftovers of killed writers, sorted
     * @throws IOException when it cannot be listed
     */
    public List<String> entries() throws IOException {
        return entries(folder);
    }

    /**
     * @param folder a folder
     * @return the names in it besides a lock file and the leftovers of killed writers, sorted; empty when the folder
     *         does not exist
     * @throws IOException when it cannot be listed
     */
    public static List<String> entries(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.equals(LOCK_FILE) && !AtomicFiles.isLeftover(name)) {
                    names.add(name);
                }
            }
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /**
     * Deletes the temporary files killed writers left in the folder and in its subfolders named.
     *
     * @param subfolders subfolders where writers work too (a run's {@code checkpoints})
     * @return how many were deleted
     * @throws IOException when a folder cannot be listed or a file not deleted
     */
    public int removeLeftovers(String... subfolders) throws IOException {
        int removed = AtomicFiles.removeLeftovers(folder);
        for (String subfolder : subfolders) {
            removed += AtomicFiles.removeLeftovers(folder.resolve(subfolder));
        }
        return removed;
    }

    /**
     * Deletes entries of the folder, files or whole folders, so that nothing of an earlier run remains.
     *
     * @param names entries of {@link #entries()}
     * @throws IOException when one cannot be deleted (the message names it)
     */
    public void clear(Collection<String> names) throws IOException {
        for (String name : names) {
            Path entry = folder.resolve(name);
            try {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    try (Stream<Path> tree = Files.walk(entry)) {
                        for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                            Files.delete(path);
                        }
                    }
                } else {
                    Files.deleteIfExists(entry);
                }
            } catch (IOException failure) {
                throw new IOException(IoErrors.describe("cannot delete", entry, failure), failure);
            }
        }
    }

    /**
     * Releases the lock. The lock file stays, emptied: deleting it would let a run that opened it just before lock a
     * file no longer there while a third run locks a new one.
     */
    @Override
    public void close() throws IOException {
        try {
            channel.truncate(0);
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    private static long holder(FileChannel channel) {
        try {
            ByteBuffer bytes = ByteBuffer.allocate(32);
            channel.read(bytes, 0);
            String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).strip();
            return text.isEmpty() ? -1 : Long.parseLong(text);
        } catch (IOException | NumberFormatException unreadable) {
            return -1;
        }
    }
}

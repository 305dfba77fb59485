package dev.rnn4j.datasets;

import dev.rnn4j.core.io.AtomicFiles;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A data set's cache folder: checks what it holds against the expected checksums, remembering verified entries in
 * the marker file so that unchanged ones are not hashed again, and installs fetched files and folders so that only
 * verified content ever has a final name.
 */
final class Cache {

    /** The prefix of the folders {@code npm pack} runs in. */
    static final String NPM_WORK_PREFIX = "npm-pack-";

    private static final String MARKER_HEADER = "# checksum bytes modified-millis files name: verified by rnn4j\n";
    private static final Duration STALE_LEFTOVER_AGE = Duration.ofDays(1);

    private final Path dir;
    private final PrintStream log;

    Cache(Path dir, PrintStream log) {
        this.dir = dir;
        this.log = log;
    }

    /** What a file or folder is now, and what the marker remembers of it when it was verified. */
    record State(long bytes, long modifiedMillis, int files) {

        /** For a folder: the total size and count of its files, and the newest time of it and all below it. */
        static State of(Path path) throws IOException {
            long bytes = 0;
            long newest = Long.MIN_VALUE;
            int files = 0;
            try (Stream<Path> paths = Files.walk(path)) {
                for (Path each : (Iterable<Path>) paths::iterator) {
                    BasicFileAttributes attributes = Files.readAttributes(each, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    newest = Math.max(newest, attributes.lastModifiedTime().toMillis());
                    if (attributes.isRegularFile()) {
                        files++;
                        bytes += attributes.size();
                    }
                }
            }
            return new State(bytes, newest, files);
        }
    }

    private record Remembered(String checksum, State state) {
    }

    /**
     * Checks the cached entries, trusting the marker for those unchanged since they were verified, and deletes those
     * that are wrong.
     *
     * @return the entries that must be fetched
     */
    List<DataFile> verify(List<DataFile> files) throws IOException {
        Map<String, Remembered> marker = readMarker();
        List<DataFile> missing = new ArrayList<>();
        boolean hashedAny = false;
        for (DataFile file : files) {
            Path path = dir.resolve(file.name());
            boolean folder = file instanceof DataFile.Folder;
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                missing.add(file);
                continue;
            }
            String problem = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) == folder ? null
                    : "is not a " + (folder ? "folder" : "file");
            if (problem == null) {
                State state = State.of(path);
                Remembered remembered = marker.get(file.name());
                if (remembered != null && remembered.equals(new Remembered(file.checksum(), state))) {
                    continue;
                }
                problem = problem(file, path, state);
                hashedAny = true;
            }
            if (problem != null) {
                log.println("Cached " + path + " " + problem + "; deleting it to fetch it again");
                deleteRecursively(path);
                missing.add(file);
            }
        }
        if (missing.isEmpty() && hashedAny) {
            rememberVerified(files);
        }
        return missing;
    }

    /** @return what is wrong with a cached entry of the right kind, or null if it is as expected */
    private static String problem(DataFile file, Path path, State state) throws IOException {
        if (file instanceof DataFile.Single single) {
            if (single.size() != DataFile.UNKNOWN_SIZE && state.bytes() != single.size()) {
                return "has " + state.bytes() + " bytes, expected " + single.size();
            }
            return mismatch(file.checksum(), Checksums.ofFile(path, file.checksum()), false);
        }
        DataFile.Folder folder = (DataFile.Folder) file;
        if (state.files() != folder.files()) {
            return "has " + state.files() + " files, expected " + folder.files();
        }
        return mismatch(folder.checksum(), treeChecksum(path), true);
    }

    /** @return null if the checksums are equal, else {@code has MD5 <actual>, expected <expected>} */
    private static String mismatch(String expected, String actual, boolean tree) {
        return actual.equals(expected) ? null
                : "has " + shown(actual, tree) + ", expected " + Checksums.hex(expected);
    }

    /** @return {@code MD5 <hex>}, or {@code SHA-256 tree <hex>} for a folder */
    private static String shown(String checksum, boolean tree) {
        return Checksums.displayName(checksum) + (tree ? " tree " : " ") + Checksums.hex(checksum);
    }

    private static DataFetchException checksumMismatch(DataFile file, String source, String actual) {
        return new DataFetchException("Checksum mismatch for " + Messages.label(file) + " from " + source
                + ": expected " + shown(file.checksum(), file instanceof DataFile.Folder) + ", got "
                + Checksums.hex(actual));
    }

    private static String treeChecksum(Path folder) throws IOException {
        Map<String, String> sha256ByPath = new HashMap<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path file : (Iterable<Path>) paths::iterator) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    List<String> names = new ArrayList<>();
                    folder.relativize(file).forEach(name -> names.add(name.toString()));
                    sha256ByPath.put(String.join("/", names),
                            Checksums.hex(Checksums.ofFile(file, Checksums.SHA256)));
                }
            }
        }
        return Checksums.tree(sha256ByPath);
    }

    private Map<String, Remembered> readMarker() {
        Path markerFile = dir.resolve(DataFetcher.MARKER_FILE);
        Map<String, Remembered> entries = new HashMap<>();
        if (!Files.isRegularFile(markerFile)) {
            return entries;
        }
        try {
            for (String line : Files.readAllLines(markerFile, StandardCharsets.UTF_8)) {
                String[] fields = line.strip().split("\\s+", 5);
                if (fields.length == 5 && !line.startsWith("#")) {
                    entries.put(fields[4], new Remembered(fields[0], new State(Long.parseLong(fields[1]),
                            Long.parseLong(fields[2]), Integer.parseInt(fields[3]))));
                }
            }
        } catch (IOException | NumberFormatException exception) {
            entries.clear(); // an unreadable marker only means hashing the files again
        }
        return entries;
    }

    /** Writes the marker for the entries as they are now; a failure only costs hashing them again next time. */
    void rememberVerified(List<DataFile> files) {
        Path markerFile = dir.resolve(DataFetcher.MARKER_FILE);
        try {
            StringBuilder content = new StringBuilder(MARKER_HEADER);
            for (DataFile file : files) {
                State state = State.of(dir.resolve(file.name()));
                content.append(file.checksum()).append(' ').append(state.bytes()).append(' ')
                        .append(state.modifiedMillis()).append(' ').append(state.files()).append(' ')
                        .append(file.name()).append('\n');
            }
            AtomicFiles.writeString(markerFile, content);
        } catch (IOException exception) {
            log.println("Could not write " + markerFile + " (" + Messages.describe(exception)
                    + "); the files will be verified again next time");
        }
    }

    /** Deletes temporary files and folders and npm work folders left by runs killed over a day ago. */
    void removeStaleLeftovers() {
        Instant cutoff = Instant.now().minus(STALE_LEFTOVER_AGE);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                boolean leftover = AtomicFiles.isLeftover(name) || name.startsWith(NPM_WORK_PREFIX);
                if (leftover && Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant()
                        .isBefore(cutoff)) {
                    deleteRecursively(entry);
                }
            }
        } catch (IOException exception) {
            // Leftovers only waste space; failing to remove them must not stop the program.
        }
    }

    /**
     * Writes a single file (decompressed if {@code gzipped} and it starts as gzip data) to a temporary file, checks
     * its size and checksum and moves it to its final name; deletes the temporary file on any failure. Does not close
     * {@code in}.
     */
    void installFile(DataFile.Single file, String source, InputStream in, boolean gzipped) throws IOException {
        Path target = dir.resolve(file.name());
        long[] size = {0};
        AtomicFiles.write(target, out -> {
            MessageDigest digest = Checksums.newDigest(file.checksum());
            try (InputStream content = gzipped ? Gzip.decompressIfGzip(new Unclosable(in)) : new Unclosable(in)) {
                size[0] = Checksums.copy(content, out, digest);
            }
            if (file.size() != DataFile.UNKNOWN_SIZE && size[0] != file.size()) {
                throw new DataFetchException("Size mismatch for " + file.name() + " from " + source + ": expected "
                        + file.size() + " bytes, got " + size[0]);
            }
            String actual = Checksums.value(file.checksum(), digest);
            if (!actual.equals(file.checksum())) {
                throw checksumMismatch(file, source, actual);
            }
        });
        log.println("  " + file.name() + ": " + Checksums.displayName(file.checksum()) + " verified, saved as "
                + target + " (" + Messages.size(size[0]) + ")");
    }

    /** @return a folder to fill, in a temporary sibling of its final name */
    FolderWriter openFolder(DataFile.Folder folder) throws IOException {
        return new FolderWriter(folder);
    }

    /** A folder filled in a temporary sibling folder and moved to its final name once its files are verified. */
    final class FolderWriter implements Closeable {

        private final DataFile.Folder folder;
        private final Path temp;
        private final Map<String, String> sha256ByPath = new HashMap<>();
        private long bytes;

        private FolderWriter(DataFile.Folder folder) throws IOException {
            this.folder = folder;
            String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            String name = "." + folder.name() + "." + random + AtomicFiles.TEMP_SUFFIX;
            this.temp = Files.createDirectory(dir.resolve(name));
        }

        /** Writes one file of the folder; does not close {@code in}. */
        void add(String relativePath, InputStream in) throws IOException {
            Path target = temp.resolve(relativePath).normalize();
            if (relativePath.isEmpty() || relativePath.startsWith("/") || ("/" + relativePath + "/").contains("/../")
                    || !target.startsWith(temp) || target.equals(temp)) {
                throw new DataFetchException("Unsafe path " + folder.prefix() + relativePath + " for "
                        + Messages.label(folder) + ": expected a path inside the folder");
            }
            Files.createDirectories(target.getParent());
            MessageDigest digest = Checksums.newDigest(folder.checksum());
            try (OutputStream out = Files.newOutputStream(target)) {
                bytes += Checksums.copy(in, out, digest);
            }
            sha256ByPath.put(relativePath, HexFormat.of().formatHex(digest.digest()));
        }

        /** Checks the count and the tree checksum, then moves the folder to its final name. */
        void install(String source) throws IOException {
            String label = Messages.label(folder);
            if (sha256ByPath.size() != folder.files()) {
                String named = folder.suffix().isEmpty() ? "" : " named *" + folder.suffix();
                throw new DataFetchException(label + " from " + source + " has " + sha256ByPath.size() + " files"
                        + named + ", expected " + folder.files());
            }
            String actual = Checksums.tree(sha256ByPath);
            if (!actual.equals(folder.checksum())) {
                throw checksumMismatch(folder, source, actual);
            }
            Path target = dir.resolve(folder.name());
            try {
                move(temp, target);
            } catch (IOException exception) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw exception;
                }
                log.println("  " + label + ": installed meanwhile by another fetch, keeping that copy");
                return;
            }
            log.println("  " + label + ": " + folder.files() + " files, SHA-256 tree verified, saved as " + target
                    + " (" + Messages.size(bytes) + ")");
        }

        /** Deletes the temporary folder unless it was moved. */
        @Override
        public void close() throws IOException {
            deleteRecursively(temp);
        }
    }

    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException unsupported) {
            Files.move(source, target);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Passes reads through but ignores {@code close()}, so a tar entry's or a response's stream stays open. */
    private static final class Unclosable extends FilterInputStream {

        Unclosable(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the owner of the underlying stream closes it
        }
    }
}

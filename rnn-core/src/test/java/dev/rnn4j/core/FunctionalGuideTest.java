package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Keeps docs/functional-models.md true: every code block marked {@code <!-- quote: path -->} appears verbatim in
 * that file, and the summary it shows is the one the encoder-decoder prints.
 */
class FunctionalGuideTest {
    private static final Pattern QUOTE = Pattern.compile("<!-- quote: (\\S+) -->\\n```[a-z]*\\n(.*?)\\n```",
            Pattern.DOTALL);
    private static final Pattern SUMMARY = Pattern.compile("<!-- summary: (.*?) -->\\n```text\\n(.*?)\\n```",
            Pattern.DOTALL);
    private static final String GUIDE = "docs/functional-models.md";

    @Test
    void everyQuoteMatchesItsSourceAndTheSummaryIsTheModels() throws IOException {
        Path root = repositoryRoot();
        String guide = Files.readString(root.resolve(GUIDE), StandardCharsets.UTF_8);
        Matcher quotes = QUOTE.matcher(guide);
        int count = 0;
        while (quotes.find()) {
            Path source = root.resolve(quotes.group(1));
            assertThat(source).as("quoted file").isRegularFile();
            assertThat(Files.readString(source, StandardCharsets.UTF_8)).as("the quote from %s in %s is no longer in"
                    + " that file; update the guide", quotes.group(1), GUIDE).contains(quotes.group(2));
            count++;
        }
        assertThat(count).as("quotes in the guide").isEqualTo(4);

        Matcher summary = SUMMARY.matcher(guide);
        assertThat(summary.find()).as("a summary block in %s", GUIDE).isTrue();
        assertThat(summary.group(1)).isEqualTo("encoderDecoder(DataType.FLOAT, 1, 5, 2, 3, 1, 8, 3)");
        String printed = EncoderDecoderTest.encoderDecoder(DataType.FLOAT, 1, 5, 2, 3, 1, 8, 3).model().summary();
        assertThat(summary.group(2) + "\n").as("the summary in %s", GUIDE).isEqualTo(printed);
    }

    /** @return the checkout's root: the tests run in rnn-core, or in the root with -f */
    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate = here; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve(GUIDE))) {
                return candidate;
            }
        }
        throw new AssertionError(GUIDE + " not found above " + here);
    }
}

package dev.rnn4j.examples.layernorm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/extending-layers.md true to the example it walks through: every code block marked
 * {@code <!-- quote: path -->} must appear verbatim in that file, and the guide must quote every line of the layer,
 * its provider and its services file.
 */
class GuideTest {
    private static final Pattern QUOTE = Pattern.compile("<!-- quote: (\\S+) -->\\n```[a-z]*\\n(.*?)\\n```",
            Pattern.DOTALL);
    private static final String EXAMPLE = "rnn-core/src/test/java/dev/rnn4j/examples/layernorm/";

    @Test
    void everyQuoteMatchesItsSourceAndTheLayerIsQuotedWhole() throws IOException {
        Path root = repositoryRoot();
        String guide = Files.readString(root.resolve("docs/extending-layers.md"), StandardCharsets.UTF_8);
        List<String> quoted = new ArrayList<>();
        Matcher matcher = QUOTE.matcher(guide);
        while (matcher.find()) {
            Path source = root.resolve(matcher.group(1));
            assertThat(source).as("quoted file").isRegularFile();
            String text = Files.readString(source, StandardCharsets.UTF_8);
            assertThat(text).as("the quote from %s in docs/extending-layers.md is no longer in that file; update the"
                    + " guide", matcher.group(1)).contains(matcher.group(2));
            quoted.add(matcher.group(1) + "\n" + matcher.group(2));
        }
        assertThat(quoted).as("quotes in the guide").hasSizeGreaterThanOrEqualTo(8);
        for (String file : new String[] {EXAMPLE + "LayerNormalization.java",
            EXAMPLE + "LayerNormalizationProvider.java",
            "rnn-core/src/test/resources/META-INF/services/dev.rnn4j.core.io.LayerProvider",
            "rnn-core/src/test/java/dev/rnn4j/examples/indrnn/IndRNNCell.java"}) {
            String all = String.join("\n", quoted.stream().filter(q -> q.startsWith(file + "\n")).toList());
            for (String line : Files.readAllLines(root.resolve(file), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    assertThat(all).as("docs/extending-layers.md must quote every line of %s; missing", file)
                            .contains(line);
                }
            }
        }
        assertThat(quoted).anyMatch(q -> q.startsWith(EXAMPLE + "LayerNormalizationTest.java\n"));
    }

    /** @return the checkout's root: the tests run in rnn-core, or in the root with -f */
    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate = here; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("docs/extending-layers.md"))) {
                return candidate;
            }
        }
        throw new AssertionError("docs/extending-layers.md not found above " + here);
    }
}

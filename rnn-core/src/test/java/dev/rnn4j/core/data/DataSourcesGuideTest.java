package dev.rnn4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rnn4j.core.SeededRandom;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs the examples of docs/data-sources.md, and keeps the guide true to them: every code block marked
 * {@code <!-- quote: path -->} must appear in that file between {@code // guide:} markers, line for line
 * (indentation aside).
 */
class DataSourcesGuideTest {
    private static final Pattern QUOTE = Pattern.compile("<!-- quote: (\\S+) -->\\n```[a-z]*\\n(.*?)\\n```",
            Pattern.DOTALL);

    @TempDir
    Path folder;

    @Test
    void writeThenReadPaddedShuffledPrefetched() throws IOException {
        Path path = folder.resolve("train.rec");
        // guide: write
        RecordFormat format = RecordFormat.vectors(3).withVectorTarget(2);    // inputs [t, 3], targets [2]
        RecordFileWriter.write(path, format, writer -> {
            for (int i = 0; i < 1000; i++) {
                int length = 5 + i % 20;                       // every record has its own length
                float[] input = new float[length * 3];         // [length, 3], timestep after timestep
                Arrays.fill(input, i);
                float[] target = i % 2 == 0 ? new float[] {1, 0} : new float[] {0, 1};
                writer.append(new SequenceRecord(length, input, target));
            }
        });
        // guide: end
        int batchCount = 0;
        // guide: read
        try (RecordFile file = RecordFile.open(path)) {
            BatchSource source = RecordSource.builder(file)
                    .batchSize(32)
                    .shuffleBuffer(256).seed(42)                              // tf.data's shuffle(256, seed=42)
                    .padding(Padding.post().withMaxLength(16, Padding.Truncating.PRE))
                    .build()
                    .prefetch(4);                                             // batches built on a daemon thread
            for (int epoch = 0; epoch < 2; epoch++) {
                try (BatchIterator batches = source.open(epoch, 0)) {
                    while (batches.hasNext()) {
                        Batch batch = batches.next();   // x [32, 16, 3], y [32, 2], mask [32, 16]; the last has 8
                        // ... a training step on batch.x(), batch.y(), batch.mask()
                        // guide: end
                        assertThat(batch.x().get(0).shape()).containsExactly(batch.size(), 16, 3);
                        assertThat(batch.mask().shape()).containsExactly(batch.size(), 16);
                        batchCount++;
                        // guide: read
                    }
                }
            }
        }
        // guide: end
        assertThat(batchCount).isEqualTo(2 * 32);
    }

    @Test
    void bucketsAndResume() throws IOException {
        Path path = folder.resolve("train.rec");
        RecordFileWriter.write(path, RecordFormat.vectors(1).withSequenceIdTarget(), writer -> {
            for (int i = 0; i < 300; i++) {
                int length = 1 + i % 60;
                writer.append(new SequenceRecord(length, new float[length], new float[length]));
            }
        });
        try (RecordFile file = RecordFile.open(path)) {
            // guide: buckets
            RecordSource source = RecordSource.builder(file)
                    .bucketing(new Bucketing(new int[] {10, 20, 40}, new int[] {64, 32, 16, 8}))
                    .shuffle().seed(7)
                    .build();                        // reads every length once, from the index, to count the batches
            int batches = source.batchesPerEpoch();
            BatchIterator resumed = source.open(3, 5);   // epoch 3 from its batch 5: what a run that never stopped saw
            // guide: end
            try (resumed) {
                assertThat(DataTestSupport.drain(resumed)).isEqualTo(
                        DataTestSupport.drain(source.open(3, 0)).subList(5, batches));
            }
        }
    }

    @Test
    void arrays() {
        INDArray xTrain = Nd4j.zeros(DataType.FLOAT, 100, 28, 28);
        INDArray yTrain = Nd4j.zeros(DataType.FLOAT, 100, 10);
        SeededRandom modelRandom = new SeededRandom(1);
        // guide: arrays
        ArraySource source = ArraySource.builder(List.of(xTrain), List.of(yTrain))
                .batchSize(32)
                .shuffle(modelRandom)              // fit's Fisher-Yates, drawn from the model's generator
                .build();
        try (BatchIterator batches = source.open(0, 0)) {
            batches.forEachRemaining(batch -> { /* train on batch.x(), batch.y() */ });
        }
        int[] order = source.order();              // save with the checkpoint, with the generator's state
        // guide: end
        assertThat(order).hasSize(100);
    }

    @Test
    void everyQuoteOfTheGuideIsInItsSource() throws IOException {
        Path root = repositoryRoot();
        String guide = Files.readString(root.resolve("docs/data-sources.md"), StandardCharsets.UTF_8);
        Matcher matcher = QUOTE.matcher(guide);
        int quotes = 0;
        while (matcher.find()) {
            String source = Files.readString(root.resolve(matcher.group(1)), StandardCharsets.UTF_8);
            assertThat(guided(source)).as("the quote from %s in docs/data-sources.md is no longer in that file;"
                    + " update the guide", matcher.group(1)).contains(stripped(matcher.group(2)));
            quotes++;
        }
        assertThat(quotes).isGreaterThanOrEqualTo(4);
    }

    /** @return the text with each line's leading blanks removed */
    private static String stripped(String text) {
        return text.lines().map(String::strip).collect(Collectors.joining("\n"));
    }

    /** @return the lines between a {@code // guide: NAME} and a {@code // guide: end} marker, stripped, in order */
    private static String guided(String source) {
        List<String> lines = new java.util.ArrayList<>();
        boolean inside = false;
        for (String line : source.lines().map(String::strip).toList()) {
            if (line.startsWith("// guide:")) {
                inside = !line.equals("// guide: end");
            } else if (inside) {
                lines.add(line);
            }
        }
        return String.join("\n", lines);
    }

    /** @return the checkout's root: the tests run in rnn-core, or in the root with -f */
    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate = here; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("docs/data-sources.md"))) {
                return candidate;
            }
        }
        throw new AssertionError("docs/data-sources.md not found above " + here);
    }
}

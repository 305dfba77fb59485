package dev.rnn4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** A record file cut short or with one byte changed fails with a {@link RecordFileException}, never otherwise. */
class RecordFileFuzzTest {
    private static final byte[] WHOLE = whole();

    private static byte[] whole() {
        try {
            Path folder = Files.createTempDirectory("rnn4j-fuzz");
            Path path = folder.resolve("fuzz.rec");
            RecordFileWriter.write(path, DataTestSupport.vectorFormat(), DataTestSupport.vectorRecords(12));
            byte[] bytes = Files.readAllBytes(path);
            Files.delete(path);
            Files.delete(folder);
            return bytes;
        } catch (IOException failure) {
            throw new java.io.UncheckedIOException(failure);
        }
    }

    @Property(tries = 200)
    void aCutFileIsRefusedAtOpen(@ForAll @IntRange(min = 0, max = 10_000) int cut) throws IOException {
        byte[] bytes = Arrays.copyOf(WHOLE, cut % WHOLE.length);
        Path path = Files.createTempFile("rnn4j-cut", ".rec");
        try {
            Files.write(path, bytes);
            assertThat(open(path)).isInstanceOf(RecordFileException.class);
        } finally {
            Files.delete(path);
        }
    }

    @Property(tries = 300)
    void aChangedByteFailsOnlyAsARecordFileException(@ForAll @IntRange(min = 0, max = 10_000) int at,
            @ForAll byte value) throws IOException {
        byte[] bytes = WHOLE.clone();
        bytes[at % bytes.length] = value;
        Path path = Files.createTempFile("rnn4j-flip", ".rec");
        try {
            Files.write(path, bytes);
            Throwable failure = open(path);
            assertThat(failure == null || failure instanceof RecordFileException).as("%s", failure).isTrue();
        } finally {
            Files.delete(path);
        }
    }

    /** @return what opening and reading every record threw, or null */
    private static Throwable open(Path path) {
        try (RecordFile file = RecordFile.open(path); RecordSet.Reader reader = file.reader()) {
            for (int i = 0; i < file.size(); i++) {
                reader.read(i);
            }
            return null;
        } catch (IOException | RuntimeException failure) {
            return failure;
        }
    }
}

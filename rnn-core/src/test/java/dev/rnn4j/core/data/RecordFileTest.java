package dev.rnn4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class RecordFileTest {
    @TempDir
    Path folder;

    private Path write(RecordFormat format, List<SequenceRecord> records) throws IOException {
        Path path = folder.resolve("data").resolve("train.rec");
        assertThat(RecordFileWriter.write(path, format, records)).isEqualTo(records.size());
        return path;
    }

    private static List<SequenceRecord> readAll(RecordFile file) throws IOException {
        List<SequenceRecord> all = new ArrayList<>();
        try (RecordSet.Reader reader = file.reader()) {
            for (int i = 0; i < file.size(); i++) {
                all.add(reader.read(i));
            }
        }
        return all;
    }

    @Test
    void everyKindOfRecordReadsBackAsWritten() throws IOException {
        List<SequenceRecord> vectors = DataTestSupport.vectorRecords(20);
        List<SequenceRecord> sequences = new ArrayList<>();
        List<SequenceRecord> ids = new ArrayList<>();
        List<SequenceRecord> none = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int t = DataTestSupport.lengthOf(i);
            float[] input = DataTestSupport.vectorRecord(i).input();
            float[] perStep = new float[t * 3];
            for (int k = 0; k < perStep.length; k++) {
                perStep[k] = -k - i;
            }
            sequences.add(new SequenceRecord(t, input, perStep));
            float[] tokens = new float[t];
            float[] classes = new float[t];
            for (int s = 0; s < t; s++) {
                tokens[s] = i + s;
                classes[s] = s % 4;
            }
            ids.add(new SequenceRecord(t, tokens, classes));
            none.add(new SequenceRecord(t, input, null));
        }
        Object[][] cases = {
            {DataTestSupport.vectorFormat(), vectors},
            {RecordFormat.vectors(2).withSequenceTarget(3), sequences},
            {RecordFormat.ids().withSequenceIdTarget(), ids},
            {RecordFormat.vectors(2), none},
        };
        for (Object[] test : cases) {
            RecordFormat format = (RecordFormat) test[0];
            @SuppressWarnings("unchecked")
            List<SequenceRecord> records = (List<SequenceRecord>) test[1];
            try (RecordFile file = RecordFile.open(write(format, records))) {
                assertThat(file.format()).isEqualTo(format);
                assertThat(file.size()).isEqualTo(20);
                assertThat(readAll(file)).as("%s", format).isEqualTo(records);
                try (RecordSet.Reader reader = file.reader()) {
                    assertThat(reader.length(13)).isEqualTo(DataTestSupport.lengthOf(13));
                    assertThat(reader.read(13)).isEqualTo(records.get(13));
                    assertThat(reader.read(2)).as("random access after a jump back").isEqualTo(records.get(2));
                }
            }
        }
        assertThat(names(folder.resolve("data"))).containsExactly("train.rec");
    }

    @Test
    void aFileLargerThanTheBuffersReadsCorrectly() throws IOException {
        // 3,000 records spill the writer's index buffer and span many reader index windows; record 1,500 is
        // 40,000 timesteps (320 KB), more than a reader's first buffer.
        RecordFormat format = RecordFormat.vectors(2).withVectorTarget(1);
        Path path = folder.resolve("big.rec");
        RecordFileWriter.write(path, format, writer -> {
            for (int i = 0; i < 3000; i++) {
                int t = i == 1500 ? 40_000 : i % 13 + 1;
                float[] input = new float[2 * t];
                for (int k = 0; k < input.length; k++) {
                    input[k] = i + k * 0.5f;
                }
                writer.append(new SequenceRecord(t, input, new float[] {i}));
            }
            assertThat(writer.records()).isEqualTo(3000);
        });
        assertThat(Files.size(path)).isGreaterThan(1 << 19);
        try (RecordFile file = RecordFile.open(path); RecordSet.Reader reader = file.reader()) {
            for (int i : new int[] {0, 1, 511, 512, 513, 1499, 1500, 1501, 2999, 1500, 7}) {
                SequenceRecord record = reader.read(i);
                int t = i == 1500 ? 40_000 : i % 13 + 1;
                assertThat(record.length()).isEqualTo(t);
                assertThat(record.target()).containsExactly(i);
                assertThat(record.input()[2 * t - 1]).isEqualTo(i + (2 * t - 1) * 0.5f);
            }
            for (int i = 0; i < 3000; i++) {
                assertThat(reader.read(i).target()[0]).isEqualTo(i);
            }
        }
        assertThat(names(folder)).containsExactly("big.rec");
    }

    @Test
    void recordsFromArrays() throws IOException {
        RecordFormat format = RecordFormat.vectors(3).withSequenceTarget(1);
        Path path = folder.resolve("arrays.rec");
        RecordFileWriter.write(path, format, writer -> writer.append(
                Nd4j.arange(6).castTo(DataType.DOUBLE).reshape(2, 3), Nd4j.create(new float[] {7, 8}, 2, 1)));
        try (RecordFile file = RecordFile.open(path)) {
            assertThat(readAll(file)).containsExactly(new SequenceRecord(2, new float[] {0, 1, 2, 3, 4, 5},
                    new float[] {7, 8}));
        }
    }

    @Test
    void aRecordThatDoesNotFitTheFormatLeavesNoFile() throws IOException {
        Path path = folder.resolve("bad.rec");
        Files.writeString(path, "old");
        List<SequenceRecord> records = new ArrayList<>(DataTestSupport.vectorRecords(3));
        records.add(new SequenceRecord(2, new float[3], new float[2]));
        assertThatThrownBy(() -> RecordFileWriter.write(path, DataTestSupport.vectorFormat(), records))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(path + ": record 3: expected 4 input values (2 timesteps x 2 features), found 3");
        assertThatThrownBy(() -> RecordFileWriter.write(path, DataTestSupport.vectorFormat(),
                List.of(new SequenceRecord(1, new float[2], null))))
                .hasMessage(path + ": record 0: expected 2 target values (a vector of 2), found no target");
        assertThat(path).hasContent("old");
        assertThat(names(folder)).containsExactly("bad.rec");
    }

    @Test
    void aFailureAfterTheIndexSpilledLeavesNoTemporaryFile() throws IOException {
        Path path = folder.resolve("spilled.rec");
        IOException own = new IOException("the source of the records failed");
        assertThatThrownBy(() -> RecordFileWriter.write(path, RecordFormat.vectors(1), writer -> {
            for (int i = 0; i < 10_000; i++) {
                writer.append(new SequenceRecord(1, new float[] {i}, null));
            }
            throw own;
        })).hasMessageContaining("the source of the records failed");
        assertThat(names(folder)).isEmpty();
    }

    @Test
    void aHeaderThatIsNotARecordFilesIsNamed() throws IOException {
        Path path = write(DataTestSupport.vectorFormat(), DataTestSupport.vectorRecords(5));
        Path zip = folder.resolve("model.zip");
        Files.write(zip, new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> RecordFile.open(zip)).isInstanceOf(RecordFileException.class)
                .hasMessage(zip + ": not an rnn4j record file: expected the magic bytes \"RNN4JREC\", found"
                        + " \"PK\\x03\\x04\\x14\\x00\\x00\\x00\"");
        Path empty = Files.write(folder.resolve("empty.rec"), new byte[0]);
        assertThatThrownBy(() -> RecordFile.open(empty)).hasMessage(empty + ": not an rnn4j record file: expected"
                + " the magic bytes \"RNN4JREC\", found \"\" (an empty file)");
        Path newer = patched(path, "newer.rec", 8, 2);
        assertThatThrownBy(() -> RecordFile.open(newer)).isInstanceOf(RecordFileException.class)
                .hasMessage(newer + ": expected record file version 1, found 2 (written by a newer rnn4j)");
        Path kind = patched(path, "kind.rec", 12, 7);
        assertThatThrownBy(() -> RecordFile.open(kind))
                .hasMessage(kind + ": expected input kind 0 (vectors) or 1 (ids), found 7");
        Path target = patched(path, "target.rec", 20, 9);
        assertThatThrownBy(() -> RecordFile.open(target)).hasMessage(target + ": expected target kind 0 (none), 1"
                + " (vector), 2 (sequence) or 3 (sequence ids), found 9");
        Path features = patched(path, "features.rec", 16, 0);
        assertThatThrownBy(() -> RecordFile.open(features))
                .hasMessage(features + ": record format: features: expected at least 1, found 0");
    }

    @Test
    void aTruncatedFileIsNamedWhereverItIsCut() throws IOException {
        Path path = write(DataTestSupport.vectorFormat(), DataTestSupport.vectorRecords(30));
        byte[] whole = Files.readAllBytes(path);
        Path cut = folder.resolve("cut.rec");
        Files.write(cut, Arrays.copyOf(whole, 40));
        assertThatThrownBy(() -> RecordFile.open(cut)).isInstanceOf(RecordFileException.class)
                .hasMessage(cut + ": truncated: expected at least 56 bytes (a 32-byte header and a 24-byte trailer),"
                        + " found 40");
        for (int length : new int[] {56, 200, whole.length / 2, whole.length - 25, whole.length - 1}) {
            Files.write(cut, Arrays.copyOf(whole, length));
            assertThatThrownBy(() -> RecordFile.open(cut)).as("cut at %d of %d", length, whole.length)
                    .isInstanceOf(RecordFileException.class)
                    .hasMessageStartingWith(cut + ": truncated or not finished: expected the end magic");
        }
        byte[] longer = Arrays.copyOf(whole, whole.length + 12);
        System.arraycopy(whole, whole.length - 24, longer, whole.length - 12, 24);
        Files.write(cut, longer);
        assertThatThrownBy(() -> RecordFile.open(cut)).hasMessageContaining("expected 30 index entries of 12 bytes");
    }

    @Test
    void aCorruptIndexIsNamedWithTheRecord() throws IOException {
        Path path = write(DataTestSupport.vectorFormat(), DataTestSupport.vectorRecords(10));
        long size = Files.size(path);
        long indexOffset = size - 24 - 10 * 12;
        Path length = patched(path, "length.rec", indexOffset + 4 * 12 + 8, 6);
        try (RecordFile file = RecordFile.open(length); RecordSet.Reader reader = file.reader()) {
            assertThatThrownBy(() -> reader.read(4)).isInstanceOf(RecordFileException.class)
                    .hasMessageMatching(".*length.rec: record 4: expected 6 timesteps \\(the index's\\), found 5 at"
                            + " byte \\d+");
        }
        Path offset = patchedLong(path, "offset.rec", indexOffset + 9 * 12, size);
        try (RecordFile file = RecordFile.open(offset); RecordSet.Reader reader = file.reader()) {
            assertThatThrownBy(() -> reader.read(9)).isInstanceOf(RecordFileException.class)
                    .hasMessageContaining("offset.rec: record 9: the index gives 3 timesteps at byte " + size);
        }
    }

    @Test
    void badFormatsAreRefused() {
        assertThatThrownBy(() -> RecordFormat.vectors(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("record format: features: expected at least 1, found 0");
        assertThatThrownBy(() -> RecordFormat.vectors(2).withVectorTarget(0))
                .hasMessage("record format: target size of a VECTOR target: expected at least 1, found 0");
        assertThatThrownBy(() -> new RecordFormat(RecordFormat.Input.IDS, 2, RecordFormat.Target.NONE, 0))
                .hasMessage("record format: features: expected 1 for token ids, found 2");
        assertThatThrownBy(() -> new SequenceRecord(0, new float[0], null))
                .hasMessage("record: length: expected at least 1 timestep, found 0");
    }

    private Path patched(Path path, String name, long at, int value) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, value);
        return Files.write(folder.resolve(name), bytes);
    }

    private Path patchedLong(Path path, String name, long at, long value) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at, value);
        return Files.write(folder.resolve(name), bytes);
    }

    static List<String> names(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

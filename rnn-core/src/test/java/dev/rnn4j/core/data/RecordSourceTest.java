package dev.rnn4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordSourceTest {
    private static final int COUNT = 103;

    @TempDir
    Path folder;

    private static RecordSet memory() {
        return RecordSet.of(DataTestSupport.vectorFormat(), DataTestSupport.vectorRecords(COUNT));
    }

    private RecordFile file() throws IOException {
        Path path = folder.resolve("train.rec");
        RecordFileWriter.write(path, DataTestSupport.vectorFormat(), DataTestSupport.vectorRecords(COUNT));
        return RecordFile.open(path);
    }

    @Test
    void fileOrderInBatchesPaddedToTheirLongestRecord() throws IOException {
        try (RecordFile file = file()) {
            RecordSource source = RecordSource.builder(file).batchSize(10).build();
            assertThat(source.batchesPerEpoch()).isEqualTo(11);
            List<int[]> batches = DataTestSupport.numbers(source.open(0, 0));
            assertThat(batches).hasSize(11);
            assertThat(batches.get(0)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(batches.get(10)).containsExactly(100, 101, 102);
            try (BatchIterator iterator = source.open(0, 10)) {
                Batch last = iterator.next();
                // Records 100, 101, 102 have 3, 4 and 5 timesteps.
                assertThat(last.x().get(0).shape()).containsExactly(3, 5, 2);
                assertThat(last.x().get(0).getFloat(1, 3, 1)).isEqualTo(101_031f);
                assertThat(last.x().get(0).getFloat(1, 4, 0)).isEqualTo(0f);
                assertThat(last.mask().sumNumber().intValue()).isEqualTo(12);
            }
        }
    }

    @Test
    void aFullShuffleIsSeededPerEpochAndHoldsEveryRecordOnce() throws IOException {
        RecordSource source = RecordSource.builder(memory()).batchSize(8).shuffle().seed(4).build();
        RecordSource same = RecordSource.builder(memory()).batchSize(8).shuffle().seed(4).build();
        RecordSource other = RecordSource.builder(memory()).batchSize(8).shuffle().seed(5).build();
        List<int[]> epoch0 = DataTestSupport.numbers(source.open(0, 0));
        List<int[]> epoch1 = DataTestSupport.numbers(source.open(1, 0));
        DataTestSupport.assertEachOnce(epoch0, COUNT);
        DataTestSupport.assertEachOnce(epoch1, COUNT);
        assertThat(DataTestSupport.flat(epoch0)).isNotEqualTo(DataTestSupport.flat(epoch1));
        assertThat(DataTestSupport.drain(same.open(1, 0))).isEqualTo(DataTestSupport.drain(source.open(1, 0)));
        assertThat(DataTestSupport.flat(DataTestSupport.numbers(other.open(0, 0))))
                .isNotEqualTo(DataTestSupport.flat(epoch0));
    }

    @Test
    void aShuffleBufferEmitsEachRecordOnceAndNoneFromBeyondTheBuffer() throws IOException {
        int buffer = 10;
        RecordSource source = RecordSource.builder(memory()).batchSize(7).shuffleBuffer(buffer).seed(1).build();
        for (int epoch = 0; epoch < 3; epoch++) {
            List<int[]> batches = DataTestSupport.numbers(source.open(epoch, 0));
            DataTestSupport.assertEachOnce(batches, COUNT);
            int[] order = DataTestSupport.flat(batches);
            for (int position = 0; position < order.length; position++) {
                // At position p the buffer has seen the records 0 .. p + buffer - 1 of the stream, no more.
                assertThat(order[position]).isLessThan(position + buffer);
            }
        }
        assertThat(DataTestSupport.flat(DataTestSupport.numbers(source.open(0, 0))))
                .isNotEqualTo(DataTestSupport.flat(DataTestSupport.numbers(source.open(1, 0))));
        RecordSource one = RecordSource.builder(memory()).batchSize(7).shuffleBuffer(1).seed(1).build();
        int[] fileOrder = new int[COUNT];
        java.util.Arrays.setAll(fileOrder, i -> i);
        assertThat(DataTestSupport.flat(DataTestSupport.numbers(one.open(2, 0)))).containsExactly(fileOrder);
    }

    @Test
    void aShuffleBufferIsUniformInItsFirstPick() throws IOException {
        // The first record emitted comes from the first `buffer` records, each about equally often over epochs.
        int buffer = 5;
        int[] counts = new int[buffer];
        RecordSource source = RecordSource.builder(memory()).batchSize(1).shuffleBuffer(buffer).seed(8).build();
        for (int epoch = 0; epoch < 1000; epoch++) {
            try (BatchIterator batches = source.open(epoch, 0)) {
                counts[DataTestSupport.numbers(batches.next())[0]]++;
            }
        }
        for (int count : counts) {
            assertThat(count).isBetween(140, 260);
        }
    }

    @Test
    void everySourceResumesAtAnyBatch() throws IOException {
        try (RecordFile file = file()) {
            List<RecordSource> sources = List.of(
                    RecordSource.builder(file).batchSize(9).build(),
                    RecordSource.builder(file).batchSize(9).shuffle().seed(3).build(),
                    RecordSource.builder(file).batchSize(9).shuffleBuffer(16).seed(3).build(),
                    RecordSource.builder(file).bucketing(Bucketing.of(new int[] {3, 5}, 6)).shuffleBuffer(20)
                            .seed(3).build(),
                    RecordSource.builder(file).bucketing(new Bucketing(new int[] {2, 4, 6}, new int[] {8, 6, 4, 2}))
                            .shuffle().seed(9).padding(Padding.pre().withValue(-1)).build());
            for (RecordSource source : sources) {
                for (int epoch = 0; epoch < 3; epoch++) {
                    DataTestSupport.assertResumes(source, epoch);
                }
            }
        }
    }

    @Test
    void skippingBatchesReadsNoRecordOfThem() throws IOException {
        AtomicInteger reads = new AtomicInteger();
        AtomicInteger lengths = new AtomicInteger();
        RecordSet counted = counting(memory(), reads, lengths);
        RecordSource source = RecordSource.builder(counted).batchSize(10).shuffleBuffer(30).seed(2).build();
        try (BatchIterator batches = source.open(0, 8)) {
            int yielded = 0;
            while (batches.hasNext()) {
                yielded += batches.next().size();
            }
            assertThat(yielded).isEqualTo(23);
            assertThat(reads).hasValue(23);
        }
        assertThat(lengths).hasValue(0);
        RecordSource bucketed = RecordSource.builder(counted).bucketing(Bucketing.of(new int[] {4}, 10)).shuffle()
                .seed(2).build();
        reads.set(0);
        try (BatchIterator batches = bucketed.open(0, bucketed.batchesPerEpoch() - 1)) {
            int yielded = batches.next().size();
            assertThat(batches.hasNext()).isFalse();
            assertThat(reads).as("a bucketed skip reads lengths, not records").hasValue(yielded);
        }
    }

    @Test
    void bucketsGroupRecordsOfSimilarLengthWithTheirBatchSizes() throws IOException {
        // Lengths 1..7: bucket 0 holds 1 and 2, bucket 1 holds 3 and 4, bucket 2 holds 5 to 7.
        Bucketing bucketing = new Bucketing(new int[] {3, 5}, new int[] {8, 5, 3});
        RecordSource source = RecordSource.builder(memory()).bucketing(bucketing).shuffle().seed(6).build();
        int[] perBucket = new int[3];
        for (int i = 0; i < COUNT; i++) {
            perBucket[bucketing.bucket(DataTestSupport.lengthOf(i))]++;
        }
        int expected = (perBucket[0] + 7) / 8 + (perBucket[1] + 4) / 5 + (perBucket[2] + 2) / 3;
        assertThat(source.batchesPerEpoch()).isEqualTo(expected);
        for (int epoch = 0; epoch < 2; epoch++) {
            List<int[]> batches = new ArrayList<>();
            try (BatchIterator iterator = source.open(epoch, 0)) {
                while (iterator.hasNext()) {
                    Batch batch = iterator.next();
                    int[] numbers = DataTestSupport.numbers(batch);
                    int bucket = bucketing.bucket(DataTestSupport.lengthOf(numbers[0]));
                    for (int number : numbers) {
                        assertThat(bucketing.bucket(DataTestSupport.lengthOf(number))).isEqualTo(bucket);
                    }
                    assertThat(numbers.length).isLessThanOrEqualTo(bucketing.batchSizes()[bucket]);
                    int longest = (int) batch.x().get(0).size(1);
                    assertThat(longest).isLessThanOrEqualTo(bucket == 0 ? 2 : bucket == 1 ? 4 : 7);
                    batches.add(numbers);
                }
            }
            assertThat(batches).hasSize(expected);
            DataTestSupport.assertEachOnce(batches, COUNT);
        }
    }

    @Test
    void bucketsUseTheTruncatedLength() throws IOException {
        Padding padding = Padding.post().withMaxLength(4, Padding.Truncating.POST).withLongestInBatch();
        RecordSource source = RecordSource.builder(memory()).bucketing(Bucketing.of(new int[] {4}, 50))
                .padding(padding).build();
        // Lengths 1-3 go to bucket 0 (45 records), 4-7 truncated to 4 in bucket 1 (58 records).
        assertThat(source.batchesPerEpoch()).isEqualTo(1 + 2);
        try (BatchIterator batches = source.open(0, 0)) {
            assertThat(batches.next().x().get(0).size(1)).isEqualTo(4);
        }
        assertThatThrownBy(() -> RecordSource.builder(memory()).bucketing(Bucketing.of(new int[] {4}, 50))
                .padding(Padding.post().withMaxLength(4, Padding.Truncating.NONE)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("records in memory: record 4 has 5 timesteps, expected at most maxLength 4 (truncating"
                        + " is NONE: choose PRE or POST to cut longer records)");
    }

    @Test
    void aLongRecordWithoutTruncationFailsAtItsBatch() throws IOException {
        try (RecordFile file = file()) {
            RecordSource source = RecordSource.builder(file).batchSize(2)
                    .padding(Padding.post().withMaxLength(6, Padding.Truncating.NONE)).build();
            try (BatchIterator batches = source.open(0, 0)) {
                batches.next();
                batches.next();
                batches.next();
                assertThatThrownBy(batches::next).isInstanceOf(IllegalArgumentException.class)
                        .hasMessage(file.path() + ": record 6 has 7 timesteps, expected at most maxLength 6"
                                + " (truncating is NONE: choose PRE or POST to cut longer records)");
            }
        }
    }

    @Test
    void aFileClosedUnderTheSourceFailsNamingIt() throws IOException {
        RecordFile file = file();
        RecordSource source = RecordSource.builder(file).batchSize(4).build();
        file.close();
        try (BatchIterator batches = source.open(0, 0)) {
            assertThatThrownBy(batches::next).isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessage("cannot read " + file.path() + ", record 0: ClosedChannelException")
                    .hasRootCauseInstanceOf(java.nio.channels.ClosedChannelException.class);
        }
    }

    @Test
    void badSettingsAreNamed() throws IOException {
        assertThatThrownBy(() -> RecordSource.builder(memory()).batchSize(0))
                .hasMessage("batch_size: expected at least 1, found 0");
        assertThatThrownBy(() -> RecordSource.builder(memory()).shuffleBuffer(0))
                .hasMessage("shuffle buffer size: expected at least 1, found 0");
        assertThatThrownBy(() -> RecordSource.builder(memory()).batchSize(4).bucketing(Bucketing.of(new int[] {3}, 4))
                .build()).hasMessage("RecordSource: expected either a batch size or bucketing (its batch sizes),"
                        + " found both");
        assertThatThrownBy(() -> new Bucketing(new int[] {3, 3}, new int[] {1, 1, 1}))
                .hasMessage("bucketing: boundaries: expected strictly increasing values of at least 1, found [3, 3]");
        assertThatThrownBy(() -> new Bucketing(new int[] {3}, new int[] {1}))
                .hasMessage("bucketing: expected 2 batch sizes (one per bucket: boundaries + 1), found 1");
        assertThatThrownBy(() -> Bucketing.of(new int[] {3}, 0)).hasMessage("batch_size: expected at least 1, found 0");
        RecordSource source = RecordSource.builder(memory()).batchSize(50).build();
        assertThatThrownBy(() -> source.open(-1, 0))
                .hasMessage("RecordSource over records in memory: epoch: expected at least 0, found -1");
        assertThatThrownBy(() -> source.open(0, 4)).hasMessage("RecordSource over records in memory: first batch:"
                + " expected 0 to 3 (the batches per epoch), found 4");
    }

    /** A set that counts the records and lengths its readers read. */
    private static RecordSet counting(RecordSet set, AtomicInteger reads, AtomicInteger lengths) {
        return new RecordSet() {
            @Override
            public RecordFormat format() {
                return set.format();
            }

            @Override
            public int size() {
                return set.size();
            }

            @Override
            public String name() {
                return set.name();
            }

            @Override
            public Reader reader() throws IOException {
                Reader reader = set.reader();
                return new Reader() {
                    @Override
                    public int length(int index) throws IOException {
                        lengths.incrementAndGet();
                        return reader.length(index);
                    }

                    @Override
                    public SequenceRecord read(int index) throws IOException {
                        reads.incrementAndGet();
                        return reader.read(index);
                    }

                    @Override
                    public void close() {
                        reader.close();
                    }
                };
            }
        };
    }
}

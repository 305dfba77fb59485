package dev.rnn4j.core.data;

import java.util.List;
import java.util.Objects;

/** Records in memory, for small data and tests. */
final class RecordList implements RecordSet {
    private final RecordFormat format;
    private final List<SequenceRecord> records;

    RecordList(RecordFormat format, List<SequenceRecord> records) {
        this.format = Objects.requireNonNull(format, "format is null");
        Objects.requireNonNull(records, "records is null");
        for (int i = 0; i < records.size(); i++) {
            SequenceRecord record = records.get(i);
            if (record == null) {
                throw new IllegalArgumentException("records in memory: record " + i + " is null");
            }
            format.check(record, "records in memory: record " + i);
        }
        this.records = List.copyOf(records);
    }

    @Override
    public RecordFormat format() {
        return format;
    }

    @Override
    public int size() {
        return records.size();
    }

    @Override
    public String name() {
        return "records in memory";
    }

    @Override
    public Reader reader() {
        return new Reader() {
            @Override
            public int length(int index) {
                return records.get(index).length();
            }

            @Override
            public SequenceRecord read(int index) {
                return records.get(index);
            }

            @Override
            public void close() {
            }
        };
    }
}

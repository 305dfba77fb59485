package dev.rnn4j.core.data;

import java.io.IOException;
import java.util.List;

/**
 * Records readable by number, {@code 0 .. size()-1}: a {@link RecordFile} on disk, or a list in memory
 * ({@link #of}). A {@link RecordSource} turns one into batches.
 */
public interface RecordSet {
    /** @return the format every record has */
    RecordFormat format();

    /** @return the number of records */
    int size();

    /** @return the set in words for messages: the file's path, or {@code "records in memory"} */
    String name();

    /**
     * @return a reader with buffers of its own; one per thread, as a reader is not thread-safe
     * @throws IOException when the set cannot be read
     */
    Reader reader() throws IOException;

    /** Reads records of one {@link RecordSet} by number; not thread-safe. */
    interface Reader extends AutoCloseable {
        /**
         * @param index the record's number
         * @return its timesteps, without reading its values (a file reads only its index)
         * @throws IOException when it cannot be read
         */
        int length(int index) throws IOException;

        /**
         * @param index the record's number
         * @return the record (read-only: an in-memory set gives its own)
         * @throws IOException when it cannot be read
         */
        SequenceRecord read(int index) throws IOException;

        /** Releases the reader's buffers; the set stays open. */
        @Override
        void close();
    }

    /**
     * @param format  the format of every record
     * @param records the records, each checked against the format
     * @return the records as a set, in memory
     */
    static RecordSet of(RecordFormat format, List<SequenceRecord> records) {
        return new RecordList(format, records);
    }
}

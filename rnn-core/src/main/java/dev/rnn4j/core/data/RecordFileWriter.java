package dev.rnn4j.core.data;

import dev.rnn4j.core.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a {@link RecordFile}: records stream out one at a time, so a file far larger than memory is written with
 * small buffers. The file appears whole or not at all: the bytes go to a temporary file that is renamed over the
 * target at the end ({@link AtomicFiles}); a failure (of the disk, or a record that does not fit the format) leaves
 * the target as it was.
 *
 * <pre>{@code
 * RecordFileWriter.write(path, RecordFormat.vectors(3).withVectorTarget(2), writer -> {
 *     for (...) {
 *         writer.append(new SequenceRecord(length, input, target));
 *     }
 * });
 * }</pre>
 */
public final class RecordFileWriter {
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path path;
    private final RecordFormat format;
    private final OutputStream out;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer index = ByteBuffer.allocate(BUFFER_BYTES - BUFFER_BYTES % RecordFile.INDEX_ENTRY_BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
    private FileChannel spool;
    private Path spoolPath;
    private long position;
    private long records;
    private boolean finished;

    /** Writes the records of a file, one {@link #append} at a time. */
    @FunctionalInterface
    public interface Body {
        /**
         * @param writer where the records go
         * @throws IOException when a record cannot be made or written; the target stays as it was
         */
        void write(RecordFileWriter writer) throws IOException;
    }

    private RecordFileWriter(Path path, RecordFormat format, OutputStream out) {
        this.path = path;
        this.format = format;
        this.out = out;
    }

    /**
     * Writes a record file.
     *
     * @param path   the file to create or replace, missing folders created
     * @param format the format of every record
     * @param body   appends the records
     * @return the number of records written
     * @throws IOException              when writing fails (the target stays as it was)
     * @throws IllegalArgumentException when a record does not fit the format (the target stays as it was)
     */
    public static long write(Path path, RecordFormat format, Body body) throws IOException {
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(format, "format is null");
        Objects.requireNonNull(body, "body is null");
        long[] written = new long[1];
        AtomicFiles.write(path, out -> {
            RecordFileWriter writer = new RecordFileWriter(path, format, out);
            try {
                writer.header();
                body.write(writer);
                written[0] = writer.finish();
            } catch (IOException | RuntimeException | Error failure) {
                writer.deleteSpool(failure);
                throw failure;
            }
            writer.deleteSpool(null);
        });
        return written[0];
    }

    /**
     * Writes a record file from records at hand.
     *
     * @param path    the file to create or replace
     * @param format  the format of every record
     * @param records the records, in order
     * @return the number of records written
     * @throws IOException when writing fails (the target stays as it was)
     */
    public static long write(Path path, RecordFormat format, Iterable<SequenceRecord> records) throws IOException {
        Objects.requireNonNull(records, "records is null");
        return write(path, format, writer -> {
            for (SequenceRecord record : records) {
                writer.append(record);
            }
        });
    }

    /**
     * Appends one record.
     *
     * @param record the record; its sizes must fit the file's format
     * @throws IOException              when writing fails
     * @throws IllegalArgumentException when the record does not fit the format (names the file and the record)
     */
    public void append(SequenceRecord record) throws IOException {
        Objects.requireNonNull(record, "record is null");
        if (finished) {
            throw new IllegalStateException("cannot write " + path + ": the file is finished; append records inside"
                    + " the body only");
        }
        if (records == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cannot write " + path + ": expected at most " + Integer.MAX_VALUE
                    + " records in one file, found more");
        }
        format.check(record, path + ": record " + records);
        if (index.remaining() < RecordFile.INDEX_ENTRY_BYTES) {
            spoolIndex();
        }
        index.putLong(position).putInt(record.length());
        putInt(record.length());
        putFloats(record.input());
        if (record.target() != null) {
            putFloats(record.target());
        }
        records++;
    }

    /**
     * Appends one record from arrays (see {@link SequenceRecord#of}).
     *
     * @param input  {@code [t, features]} or {@code [t]}
     * @param target the target as the format says, or null when it has none
     * @throws IOException when writing fails
     */
    public void append(INDArray input, INDArray target) throws IOException {
        append(SequenceRecord.of(input, target));
    }

    /** @return the records appended so far */
    public long records() {
        return records;
    }

    private void header() throws IOException {
        buffer.put(RecordFile.MAGIC).putInt(RecordFile.VERSION).putInt(format.input().ordinal())
                .putInt(format.features()).putInt(format.target().ordinal()).putInt(format.targetSize()).putInt(0);
        position = RecordFile.HEADER_BYTES;
    }

    private long finish() throws IOException {
        finished = true;
        long indexOffset = position;
        flush();
        if (spool != null) {
            long size = spool.size();
            WritableByteChannel target = Channels.newChannel(out);
            for (long done = 0; done < size; ) {
                done += spool.transferTo(done, size - done, target);
            }
        }
        out.write(index.array(), 0, index.position());
        ByteBuffer trailer = ByteBuffer.allocate(RecordFile.TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        trailer.putLong(records).putLong(indexOffset).put(RecordFile.END);
        out.write(trailer.array());
        return records;
    }

    private void putInt(int value) throws IOException {
        if (buffer.remaining() < 4) {
            flush();
        }
        buffer.putInt(value);
        position += 4;
    }

    private void putFloats(float[] values) throws IOException {
        for (float value : values) {
            if (buffer.remaining() < 4) {
                flush();
            }
            buffer.putFloat(value);
        }
        position += 4L * values.length;
    }

    private void flush() throws IOException {
        out.write(buffer.array(), 0, buffer.position());
        buffer.clear();
    }

    /** Moves the index entries so far to a temporary file beside the target: the index never fills the heap. */
    private void spoolIndex() throws IOException {
        if (spool == null) {
            Path folder = path.toAbsolutePath().normalize().getParent();
            // A name that AtomicFiles.removeLeftovers recognizes, should the process die before it is deleted.
            spoolPath = Files.createTempFile(folder, "." + path.getFileName() + ".", AtomicFiles.TEMP_SUFFIX);
            spool = FileChannel.open(spoolPath, StandardOpenOption.WRITE, StandardOpenOption.READ);
        }
        index.flip();
        while (index.hasRemaining()) {
            spool.write(index);
        }
        index.clear();
    }

    /** Deletes the spooled index; a failure to do so is added to {@code failure} when there is one. */
    private void deleteSpool(Throwable failure) throws IOException {
        if (spool == null) {
            return;
        }
        try {
            spool.close();
            Files.deleteIfExists(spoolPath);
        } catch (IOException deleteFailure) {
            if (failure == null) {
                throw deleteFailure;
            }
            failure.addSuppressed(deleteFailure);
        }
    }
}

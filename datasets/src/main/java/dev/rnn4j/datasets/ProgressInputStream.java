package dev.rnn4j.datasets;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/** Counts the bytes read and prints progress every 10 % (every 5 MB if the length is unknown). */
final class ProgressInputStream extends FilterInputStream {

    private static final long UNKNOWN_LENGTH_STEP = 5_000_000L;

    private final String label;
    private final long length;
    private final PrintStream log;
    private long done;
    private long lastStep;

    /**
     * @param in     the stream
     * @param label  what is read, to start each line with
     * @param length the expected number of bytes, or a negative number if unknown
     * @param log    where to print
     */
    ProgressInputStream(InputStream in, String label, long length, PrintStream log) {
        super(in);
        this.label = label;
        this.length = length;
        this.log = log;
    }

    @Override
    public int read() throws IOException {
        int value = super.read();
        if (value >= 0) {
            advance(1);
        }
        return value;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        int read = super.read(buffer, offset, count);
        if (read > 0) {
            advance(read);
        }
        return read;
    }

    private void advance(int bytes) {
        done += bytes;
        if (length > 0) {
            long step = Math.min(10, done * 10 / length);
            if (step > lastStep) {
                lastStep = step;
                log.println("  " + label + ": " + step * 10 + "% (" + Messages.size(done) + " of "
                        + Messages.size(length) + ")");
            }
            return;
        }
        long step = done / UNKNOWN_LENGTH_STEP;
        if (step > lastStep) {
            lastStep = step;
            log.println("  " + label + ": " + Messages.size(done));
        }
    }
}

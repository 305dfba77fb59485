package dev.rnn4j.spark;

import java.io.Serializable;

/**
 * One training sample on its way to the worker whose slice of a global batch holds it.
 *
 * @param position its position in the epoch's order (global batch {@code position / batchSize})
 * @param x        its input, C order
 * @param y        its target, C order
 */
record SampleRow(int position, float[] x, float[] y) implements Serializable {
}

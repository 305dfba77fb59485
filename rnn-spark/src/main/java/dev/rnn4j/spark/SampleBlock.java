package dev.rnn4j.spark;

import java.io.Serializable;

/**
 * Consecutive training samples as plain floats, C order, the unit of the data RDD: ND4J arrays never pass through
 * Spark's serializer, they are built inside the task.
 *
 * @param first the index of the block's first sample in the training arrays
 * @param rows  its samples
 * @param x     the inputs, {@code rows} times the input sample's size
 * @param y     the targets, {@code rows} times the target sample's size
 */
record SampleBlock(int first, int rows, float[] x, float[] y) implements Serializable {
}

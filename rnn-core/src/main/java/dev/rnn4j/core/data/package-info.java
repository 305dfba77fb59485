/**
 * Data sources larger than memory, as Keras's {@code PyDataset} and tf.data: batches read one at a time for fit,
 * evaluate and predict.
 *
 * <ul>
 *   <li>{@link dev.rnn4j.core.data.BatchSource}, {@link dev.rnn4j.core.data.BatchIterator},
 *   {@link dev.rnn4j.core.data.Batch}: the contract the training loop consumes; an epoch opens at any batch.</li>
 *   <li>{@link dev.rnn4j.core.data.ArraySource}: arrays in memory, shuffled per epoch from a
 *   {@link dev.rnn4j.core.SeededRandom} as fit does.</li>
 *   <li>{@link dev.rnn4j.core.data.RecordFileWriter} and {@link dev.rnn4j.core.data.RecordFile}: a binary file of
 *   variable-length records with an index, read by positional reads into small buffers.</li>
 *   <li>{@link dev.rnn4j.core.data.RecordSource}: records into padded, masked batches
 *   ({@link dev.rnn4j.core.data.Padding}), shuffled fully or through a seeded buffer, optionally bucketed by length
 *   ({@link dev.rnn4j.core.data.Bucketing}).</li>
 *   <li>{@link dev.rnn4j.core.data.Prefetch}: batches built on a background thread;
 *   {@link dev.rnn4j.core.data.BatchSource#checked()}: batches checked against each other.</li>
 * </ul>
 * See {@code docs/data-sources.md}.
 */
package dev.rnn4j.core.data;

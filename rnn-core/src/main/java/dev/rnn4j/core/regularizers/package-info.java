/**
 * Keras's weight regularizers: {@link dev.rnn4j.core.regularizers.L1}, {@link dev.rnn4j.core.regularizers.L2} and
 * {@link dev.rnn4j.core.regularizers.L1L2}, and {@link dev.rnn4j.core.regularizers.Regularizers} to rebuild them by
 * name or saved config. docs/regularizers.md shows how layers take them.
 */
package dev.rnn4j.core.regularizers;

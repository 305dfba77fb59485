/**
 * Synchronous data-parallel training of rnn4j models on Apache Spark: {@link dev.rnn4j.spark.SparkTrainer} runs one
 * replica per task of a barrier stage and sums their gradients every step with a {@link dev.rnn4j.spark.RingAllReduce}
 * over TCP, so that training with {@code N} workers is single-machine training with the same global batches
 * (docs/distributed.md).
 */
package dev.rnn4j.spark;

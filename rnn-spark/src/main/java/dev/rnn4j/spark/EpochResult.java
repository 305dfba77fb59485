package dev.rnn4j.spark;

import java.io.Serializable;

/**
 * What one worker sends back after an epoch.
 *
 * @param rank       the worker's rank
 * @param lossSum    the sum over its steps of the slice's loss times the slice's rows
 * @param seen       the rows it trained on
 * @param checkpoint rank 0: the model, optimizer state included, as a checkpoint file's bytes; null for the others
 *                   (every replica holds the same weights)
 * @param times      where the worker's time went
 */
record EpochResult(int rank, double lossSum, long seen, byte[] checkpoint, WorkerTimes times) implements Serializable {
}

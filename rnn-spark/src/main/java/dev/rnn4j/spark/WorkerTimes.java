package dev.rnn4j.spark;

import java.io.Serializable;

/**
 * Where one worker's epoch went, in nanoseconds.
 *
 * @param setup     restoring the model, the rendezvous and joining the ring
 * @param compute   forward and backward passes of its slices (gradients included)
 * @param allReduce in the ring: sending, receiving and waiting for slower workers
 * @param update    the optimizer's steps
 */
record WorkerTimes(long setup, long compute, long allReduce, long update) implements Serializable {
}

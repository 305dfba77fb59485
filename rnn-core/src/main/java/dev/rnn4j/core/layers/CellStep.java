package dev.rnn4j.core.layers;

import dev.rnn4j.api.Backend;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The arrays of one step of one part of a batch, as the {@link RNN} layer hands them to its {@link RecurrentCell}:
 * {@code rows} samples, each array {@code [rows, width]}. Valid for the call they are handed to; the layer makes them
 * once per batch size, so a cell must not keep them.
 *
 * <p>Forward: {@link #projection} holds {@code z_t} (see {@link RecurrentCell}), {@link #state} the previous states;
 * the cell writes {@link #newState} and its {@link #stored} arrays, and may overwrite the projections.
 *
 * <p>Backward: {@link #stateGradient} holds the gradient of each new state (the cell may overwrite it). The cell
 * writes {@link #projectionGradient} (and {@link #recurrentGradient}), which occupy the projections' memory: read a
 * projection before writing its gradient. For each state it carries ({@link RecurrentCell#carriesState}) it adds to
 * {@link #previousStateGradient} for state 0 (it may already hold the gradient of the previous output) and writes it,
 * overwriting, for the other states.
 */
public interface CellStep {
    /** @return the backend whose operations the cell uses */
    Backend backend();

    /** @return whether this is a training pass */
    boolean training();

    /**
     * @param gate a gate index in {@code [0, gates)}
     * @return that gate's block of the input projection {@code [rows, units]} (with the recurrent product for
     *         {@link RecurrentCell.Recurrence#ADDED})
     */
    INDArray projection(int gate);

    /**
     * @param gate a gate index
     * @return that gate's block of the recurrent product ({@link RecurrentCell.Recurrence#SEPARATE} only)
     */
    INDArray recurrent(int gate);

    /**
     * @param state a state index
     * @return the previous state
     */
    INDArray state(int state);

    /**
     * @param state a state index
     * @return the new state, to be written
     */
    INDArray newState(int state);

    /**
     * @param index an index in {@code [0, storedArrays)}
     * @return this step's stored array {@code [rows, units]}, kept from forward to backward
     */
    INDArray stored(int index);

    /**
     * @param index an index in {@code [0, scratchArrays)}
     * @return a temporary {@code [rows, units]}, shared by the steps of this part
     */
    INDArray scratch(int index);

    /**
     * @param index the index {@link RecurrentCell.Weights#add} returned
     * @return the weight
     */
    INDArray weight(int index);

    /**
     * @param state a state index
     * @return the gradient of the loss with respect to the new state (backward)
     */
    INDArray stateGradient(int state);

    /**
     * @param state a state index the cell carries
     * @return the gradient with respect to the previous state (backward): added to for state 0, written for others
     */
    INDArray previousStateGradient(int state);

    /**
     * @param gate a gate index
     * @return where the gradient of that gate's block of the projection goes (backward; the projection's memory)
     */
    INDArray projectionGradient(int gate);

    /**
     * @param gate a gate index
     * @return where the gradient of that gate's block of the recurrent product goes (backward,
     *         {@link RecurrentCell.Recurrence#SEPARATE} only; the recurrent product's memory)
     */
    INDArray recurrentGradient(int gate);

    /**
     * @param index the index {@link RecurrentCell.Weights#add} returned
     * @return this part's gradient of the weight, to be added to (it starts at zero in each backward pass)
     */
    INDArray weightGradient(int index);
}

package dev.rnn4j.examples.indrnn;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Backend;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.layers.CellStep;
import dev.rnn4j.core.layers.RecurrentCell;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * IndRNN (Li et al., 2018), each unit its own recurrence:
 * {@code h_t = tanh(x_t · kernel + recurrent_kernel * h_{t-1} + bias)}, {@code recurrent_kernel [units]}.
 */
public final class IndRNNCell extends RecurrentCell {
    private int recurrentKernel;

    /** @param units the size of the state, at least 1 */
    public IndRNNCell(int units) {
        super(units, 0.0, 0.0);
    }

    @Override
    public Recurrence recurrence() {
        return Recurrence.NONE; // no recurrent matrix: the cell uses h_{t-1} itself
    }

    @Override
    public int scratchArrays() {
        return 1;
    }

    @Override
    public boolean carriesState(int state) {
        return true;
    }

    @Override
    public void declareWeights(Weights weights) {
        weights.kernel(Initializers.glorotUniform());
        recurrentKernel = weights.add("recurrent_kernel", new int[] {units}, Initializers.constant(0.5));
        weights.bias(Initializers.zeros());
    }

    @Override
    public void forward(CellStep step) {
        Backend backend = step.backend();
        INDArray h = step.newState(0);
        backend.multiplyRowVector(step.state(0), step.weight(recurrentKernel), h);
        backend.axpy(1.0, step.projection(0), h);
        backend.activation(ActivationFunction.TANH, h, h);
    }

    @Override
    public void backward(CellStep step) {
        Backend backend = step.backend();
        INDArray dz = step.projectionGradient(0);
        backend.activationBackward(ActivationFunction.TANH, step.newState(0), step.stateGradient(0), dz);
        // dh_{t-1} += dz * recurrent_kernel;  d recurrent_kernel += sum over rows of dz * h_{t-1}
        backend.multiplyRowVector(dz, step.weight(recurrentKernel), step.scratch(0));
        backend.axpy(1.0, step.scratch(0), step.previousStateGradient(0));
        backend.multiply(dz, step.state(0), step.scratch(0));
        backend.addColumnSums(step.scratch(0), step.weightGradient(recurrentKernel));
    }
}

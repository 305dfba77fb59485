package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code LSTMCell}, gate order {@code i, f, c, o}, states {@code [h, c]}:
 * <pre>
 * z = x_t · kernel + h'_{t-1} · recurrent_kernel + bias       split by columns into [z_i | z_f | z_c | z_o]
 * i = σ(z_i)    f = σ(z_f)    g = tanh(z_c)    o = σ(z_o)       σ = recurrent_activation, tanh = activation
 * c_t = f * c_{t-1} + i * g
 * h_t = o * tanh(c_t)
 * </pre>
 * Parameters {@code kernel [features, 4·units]}, {@code recurrent_kernel [units, 4·units]}, {@code bias [4·units]}
 * (with {@code unitForgetBias}, ones in the forget gate's slice, as Keras's {@code unit_forget_bias=True}).
 * Derivatives come from the stored gate values.
 */
public final class LSTMCell extends RecurrentCell {
    private static final int I = 0;
    private static final int F = 1;
    private static final int G = 2;
    private static final int O = 3;
    /** Stored with the gates: tanh(c_t). */
    private static final int CELL_ACTIVATION = 4;
    private static final int H = 0;
    private static final int C = 1;

    private final ActivationFunction activation;
    private final ActivationFunction recurrentActivation;
    private final boolean unitForgetBias;
    private final RecurrentBuilder.CellWeights weightSettings;

    /**
     * Keras's defaults: tanh and sigmoid, bias with unit forget bias, no dropout.
     *
     * @param units the size of the state, at least 1
     */
    public LSTMCell(int units) {
        this(LSTM.builder(units), true);
    }

    LSTMCell(RecurrentBuilder.Gated<?> settings, boolean unitForgetBias) {
        super(settings.units, settings.dropout, settings.recurrentDropout);
        settings.check("LSTM");
        this.activation = settings.activation;
        this.recurrentActivation = settings.recurrentActivation;
        this.unitForgetBias = unitForgetBias;
        this.weightSettings = settings.weights();
    }

    @Override
    public int gates() {
        return 4;
    }

    @Override
    public int[] stateSizes() {
        return new int[] {units, units};
    }

    @Override
    public int storedArrays() {
        return 5;
    }

    @Override
    public int scratchArrays() {
        return 1;
    }

    @Override
    public boolean carriesState(int state) {
        return state == C;
    }

    @Override
    public void declareWeights(Weights weights) {
        weightSettings.declare(weights, false,
                unitForgetBias ? this::withForgetOnes : weightSettings.biasInitializer());
    }

    /** Keras's {@code unit_forget_bias}: the bias initializer for i, ones for f, the initializer again for c and o. */
    private double[] withForgetOnes(int[] shape, java.util.Random random) {
        double[] values = new double[4 * units];
        System.arraycopy(weightSettings.biasInitializer().initialize(new int[] {units}, random), 0, values, 0, units);
        Arrays.fill(values, units, 2 * units, 1.0);
        System.arraycopy(weightSettings.biasInitializer().initialize(new int[] {2 * units}, random), 0, values, 2 * units, 2 * units);
        return values;
    }

    @Override
    public void forward(CellStep step) {
        var backend = step.backend();
        backend.activation(recurrentActivation, step.projection(I), step.stored(I));
        backend.activation(recurrentActivation, step.projection(F), step.stored(F));
        backend.activation(activation, step.projection(G), step.stored(G));
        backend.activation(recurrentActivation, step.projection(O), step.stored(O));
        // c_t = f * c_{t-1} + i * g
        backend.multiply(step.stored(F), step.state(C), step.newState(C));
        backend.multiply(step.stored(I), step.stored(G), step.scratch(0));
        backend.axpy(1.0, step.scratch(0), step.newState(C));
        // h_t = o * tanh(c_t)
        backend.activation(activation, step.newState(C), step.stored(CELL_ACTIVATION));
        backend.multiply(step.stored(O), step.stored(CELL_ACTIVATION), step.newState(H));
    }

    @Override
    public void backward(CellStep step) {
        var backend = step.backend();
        INDArray i = step.stored(I);
        INDArray f = step.stored(F);
        INDArray g = step.stored(G);
        INDArray o = step.stored(O);
        INDArray tanhC = step.stored(CELL_ACTIVATION);
        INDArray dh = step.stateGradient(H);
        INDArray dc = step.stateGradient(C);
        INDArray scratch = step.scratch(0);
        // dz_o = dh * tanh(c_t) * σ'(o)
        backend.multiply(dh, tanhC, scratch);
        backend.activationBackward(recurrentActivation, o, scratch, step.projectionGradient(O));
        // dc_t = dc from step t+1 + dh * o * tanh'(c_t)
        backend.multiply(dh, o, scratch);
        backend.activationBackward(activation, tanhC, scratch, scratch);
        backend.axpy(1.0, scratch, dc);
        // dz_i = dc * g * σ'(i);  dz_c = dc * i * tanh'(g);  dz_f = dc * c_{t-1} * σ'(f)
        backend.multiply(dc, g, scratch);
        backend.activationBackward(recurrentActivation, i, scratch, step.projectionGradient(I));
        backend.multiply(dc, i, scratch);
        backend.activationBackward(activation, g, scratch, step.projectionGradient(G));
        backend.multiply(dc, step.state(C), scratch);
        backend.activationBackward(recurrentActivation, f, scratch, step.projectionGradient(F));
        // dc_{t-1} = dc_t * f
        backend.multiply(dc, f, step.previousStateGradient(C));
    }

    /**
     * @param config the cell's {@link #config()}, as Keras's {@code from_config} (missing keys take Keras's defaults)
     * @return a new cell
     */
    public static LSTMCell fromConfig(Map<String, Object> config) {
        return LSTM.readConfig(config).cell();
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = weightSettings.config(this, activation);
        config.put("recurrent_activation", recurrentActivation.kerasName());
        config.put("unit_forget_bias", unitForgetBias);
        return config;
    }
}

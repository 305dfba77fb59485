package dev.rnn4j.core.layers;

import dev.rnn4j.api.ActivationFunction;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code GRUCell} in its default {@code reset_after=True} form, gate order {@code z, r, h}:
 * <pre>
 * [x_z | x_r | x_h] = x_t · kernel + bias[0]
 * [r_z | r_r | r_h] = h'_{t-1} · recurrent_kernel + bias[1]
 * z  = σ(x_z + r_z)              update gate      (σ = recurrent_activation)
 * r  = σ(x_r + r_r)              reset gate
 * hh = tanh(x_h + r * r_h)       candidate        (tanh = activation)
 * h_t = z * h_{t-1} + (1 - z) * hh
 * </pre>
 * Parameters {@code kernel [features, 3·units]}, {@code recurrent_kernel [units, 3·units]}, {@code bias [2, 3·units]}
 * (row 0 the input bias, row 1 the recurrent bias). {@code reset_after=False} is not implemented.
 */
public final class GRUCell extends RecurrentCell {
    private static final int Z = 0;
    private static final int R = 1;
    private static final int HH = 2;

    private final ActivationFunction activation;
    private final ActivationFunction recurrentActivation;
    private final RecurrentBuilder.CellWeights weightSettings;

    /**
     * Keras's defaults: tanh and sigmoid, bias, reset after, no dropout.
     *
     * @param units the size of the state, at least 1
     */
    public GRUCell(int units) {
        this(GRU.builder(units));
    }

    GRUCell(RecurrentBuilder.Gated<?> settings) {
        super(settings.units, settings.dropout, settings.recurrentDropout);
        settings.check("GRU");
        this.activation = settings.activation;
        this.recurrentActivation = settings.recurrentActivation;
        this.weightSettings = settings.weights();
    }

    @Override
    public int gates() {
        return 3;
    }

    @Override
    public Recurrence recurrence() {
        return Recurrence.SEPARATE;
    }

    @Override
    public int storedArrays() {
        return 3;
    }

    @Override
    public int scratchArrays() {
        return 2;
    }

    @Override
    public boolean carriesState(int state) {
        return true;
    }

    @Override
    public void declareWeights(Weights weights) {
        weightSettings.declare(weights, true, weightSettings.biasInitializer());
    }

    @Override
    public void forward(CellStep step) {
        var backend = step.backend();
        INDArray z = step.stored(Z);
        INDArray r = step.stored(R);
        INDArray hh = step.stored(HH);
        INDArray h = step.newState(0);
        backend.copy(step.projection(Z), z);
        backend.axpy(1.0, step.recurrent(Z), z);
        backend.activation(recurrentActivation, z, z);
        backend.copy(step.projection(R), r);
        backend.axpy(1.0, step.recurrent(R), r);
        backend.activation(recurrentActivation, r, r);
        // hh = tanh(x_h + r * r_h)
        backend.multiply(r, step.recurrent(HH), hh);
        backend.axpy(1.0, step.projection(HH), hh);
        backend.activation(activation, hh, hh);
        // h_t = z * h_{t-1} + (1 - z) * hh = z * h_{t-1} - z * hh + hh
        backend.multiply(z, step.state(0), h);
        backend.multiply(z, hh, step.scratch(0));
        backend.axpy(-1.0, step.scratch(0), h);
        backend.axpy(1.0, hh, h);
    }

    @Override
    public void backward(CellStep step) {
        var backend = step.backend();
        INDArray z = step.stored(Z);
        INDArray r = step.stored(R);
        INDArray hh = step.stored(HH);
        INDArray dh = step.stateGradient(0);
        INDArray first = step.scratch(0);
        INDArray carried = step.scratch(1);
        // dz_z = dh * (h_{t-1} - hh) * σ'(z), on both sides
        backend.multiply(dh, step.state(0), first);
        backend.multiply(dh, hh, carried);
        backend.axpy(-1.0, carried, first);
        backend.activationBackward(recurrentActivation, z, first, step.projectionGradient(Z));
        backend.copy(step.projectionGradient(Z), step.recurrentGradient(Z));
        // dh * z flows straight to h_{t-1}; dhh = dh - dh * z; dz_h = dhh * tanh'(hh)
        backend.multiply(dh, z, carried);
        backend.axpy(1.0, carried, step.previousStateGradient(0));
        backend.copy(dh, first);
        backend.axpy(-1.0, carried, first);
        backend.activationBackward(activation, hh, first, step.projectionGradient(HH));
        // dz_r = dz_h * r_h * σ'(r), on both sides (r_h read before its gradient takes its place)
        backend.multiply(step.projectionGradient(HH), step.recurrent(HH), first);
        backend.activationBackward(recurrentActivation, r, first, step.projectionGradient(R));
        backend.copy(step.projectionGradient(R), step.recurrentGradient(R));
        // the recurrent side of the candidate: dz_h * r
        backend.multiply(step.projectionGradient(HH), r, step.recurrentGradient(HH));
    }

    /**
     * @param config the cell's {@link #config()}, as Keras's {@code from_config} (missing keys take Keras's defaults)
     * @return a new cell
     */
    public static GRUCell fromConfig(Map<String, Object> config) {
        return GRU.readConfig(config).cell();
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> config = weightSettings.config(this, activation);
        config.put("recurrent_activation", recurrentActivation.kerasName());
        config.put("reset_after", true);
        return config;
    }
}

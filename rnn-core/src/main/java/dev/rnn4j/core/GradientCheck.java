package dev.rnn4j.core;

import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Numerical gradient checking for layers and models, users' own layers included.
 *
 * <p>In double precision, each parameter entry (and each input entry of a layer) is nudged by {@code ±1e-6}, and
 * {@code (L(w + eps) - L(w - eps)) / (2 eps)} is compared with the analytic gradient from {@code backward} (plus the
 * weight regularizers' gradients: {@code L} includes their penalties, as training's loss does). An entry
 * fails when the relative error {@code |a - n| / (|a| + |n|)} is above {@code 1e-3} and the absolute error is above
 * {@code 1e-8} (both zero passes). No dropout is applied ({@code training = false}) and no optimizer step is taken.
 *
 * <pre>{@code
 * Layer layer = new MyLayer(3);
 * layer.setName("my_layer");
 * layer.build(Shape.of(5, 4), new BuildContext(backend, DataType.DOUBLE, new Random(1)));
 * GradientCheck.assertLayer(layer, GradientCheck.randomInput(layer, 2, 7));
 * }</pre>
 */
public final class GradientCheck {
    /** The nudge. */
    public static final double EPSILON = 1e-6;
    /** The largest relative error that passes. */
    public static final double MAX_RELATIVE_ERROR = 1e-3;
    /** Absolute errors at or below this pass whatever the relative error. */
    public static final double MIN_ABSOLUTE_ERROR = 1e-8;

    private GradientCheck() {
    }

    /**
     * One entry that failed.
     *
     * @param parameter the parameter's name ({@code layer/kernel}, or {@code input})
     * @param index     the flat index (C order)
     * @param analytic  the gradient from backward
     * @param numeric   the central difference
     */
    public record Failure(String parameter, long index, double analytic, double numeric) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s[%d]: analytic %.10g, numeric %.10g, relative error %.3g",
                    parameter, index, analytic, numeric, relativeError(analytic, numeric));
        }
    }

    /**
     * The outcome of a check.
     *
     * @param checked  the number of entries compared
     * @param failures the entries that failed
     */
    public record Result(long checked, List<Failure> failures) {
        /** @return whether every entry passed */
        public boolean passed() {
            return failures.isEmpty();
        }

        @Override
        public String toString() {
            if (passed()) {
                return "gradient check passed: " + checked + " entries";
            }
            StringBuilder text = new StringBuilder("gradient check failed: " + failures.size() + " of " + checked
                    + " entries");
            failures.stream().limit(20).forEach(failure -> text.append("\n  ").append(failure));
            return text.toString();
        }
    }

    /**
     * A random input for a built layer, uniform in [-1, 1], float64.
     *
     * @param layer a built layer
     * @param batch the batch size
     * @param seed  the seed
     * @return {@code [batch, ...inputShape]}
     */
    public static INDArray randomInput(Layer layer, int batch, long seed) {
        return random(layer.inputShape().withBatch(batch), new Random(seed));
    }

    /**
     * Checks a layer built in float64, with the loss {@code L = sum(output * R) + layer.regularizationLoss()} for a
     * fixed random {@code R}, so every output element carries a different weight and the gradients of the layer's
     * weight regularizers ({@link Layer#addRegularizationGradients()}) are checked too.
     *
     * @param layer a layer built with {@link DataType#DOUBLE}
     * @param input a float64 input batch
     * @return the result
     */
    public static Result checkLayer(Layer layer, INDArray input) {
        return checkLayer(layer, input, true);
    }

    /**
     * {@link #checkLayer(Layer, INDArray)}, the input gradient checked only when asked (not for token ids, whose
     * gradient is zeros and which take no perturbation).
     *
     * @param layer      a layer built with {@link DataType#DOUBLE}
     * @param input      a float64 input batch
     * @param checkInput whether to check the input gradient
     * @return the result
     */
    public static Result checkLayer(Layer layer, INDArray input, boolean checkInput) {
        requireDouble(layer.parameters(), input);
        INDArray in = input.dup('c');
        INDArray output = layer.forward(in, false);
        INDArray weights = random(output.shape(), new Random(12345));
        INDArray inputGradient = layer.backward(weights, true).dup('c');
        layer.addRegularizationGradients();
        List<INDArray> analytic = new ArrayList<>();
        for (Parameter parameter : layer.parameters()) {
            analytic.add(parameter.gradient().dup('c'));
        }
        DoubleSupplier lossFunction = () -> layer.forward(in, false).mul(weights).sumNumber().doubleValue()
                + layer.regularizationLoss();
        List<Failure> failures = new ArrayList<>();
        long checked = 0;
        List<Parameter> parameters = layer.parameters();
        for (int p = 0; p < parameters.size(); p++) {
            checked += compare(layer.name() + "/" + parameters.get(p).name(), parameters.get(p).value(),
                    analytic.get(p), lossFunction, failures);
        }
        if (checkInput) {
            checked += compare("input", in, inputGradient, lossFunction, failures);
        }
        return new Result(checked, failures);
    }

    /**
     * Checks a compiled float64 model's gradients of its loss (the regularization losses included) on one batch.
     *
     * @param model a compiled model built with {@link DataType#DOUBLE}
     * @param x     a float64 input batch
     * @param y     its targets
     * @return the result
     */
    public static Result checkModel(Sequential model, INDArray x, INDArray y) {
        requireDouble(model.parameters(), x);
        model.computeGradients(x, y, false);
        // the loss as training computes it: masks of the output reach it
        return checkParameters(model.layers(), () -> model.computeLoss(x, y));
    }

    /**
     * Checks a compiled float64 functional model's gradients of its loss (summed over the outputs) on one batch, for
     * every parameter of every layer.
     *
     * @param model a compiled model built with {@link DataType#DOUBLE}
     * @param x     one float64 batch per input
     * @param y     one target batch per output
     * @return the result
     */
    public static Result checkModel(Model model, List<INDArray> x, List<INDArray> y) {
        if (!model.isBuilt()) {
            model.build();
        }
        for (INDArray input : x) {
            requireDouble(model.parameters(), input);
        }
        model.computeGradients(x, y, false);
        return checkParameters(model.layers(), () -> model.computeLoss(x, y));
    }

    /**
     * Compares every parameter's gradient, as the last backward pass left it, with the loss's central differences.
     *
     * @param layers       the model's layers, whose parameters hold the analytic gradients
     * @param lossFunction the loss the gradients are of
     * @return the result
     */
    private static Result checkParameters(List<? extends Layer> layers, DoubleSupplier lossFunction) {
        List<INDArray> analytic = new ArrayList<>();
        for (Layer layer : layers) {
            for (Parameter parameter : layer.parameters()) {
                analytic.add(parameter.gradient().dup('c'));
            }
        }
        List<Failure> failures = new ArrayList<>();
        long checked = 0;
        int index = 0;
        for (Layer layer : layers) {
            for (Parameter parameter : layer.parameters()) {
                checked += compare(layer.name() + "/" + parameter.name(), parameter.value(), analytic.get(index++),
                        lossFunction, failures);
            }
        }
        return new Result(checked, failures);
    }

    /**
     * {@link #checkModel(Model, List, List)} that throws {@link AssertionError} listing the failures.
     *
     * @param model a compiled float64 functional model
     * @param x     one batch per input
     * @param y     one target batch per output
     */
    public static void assertModel(Model model, List<INDArray> x, List<INDArray> y) {
        Result result = checkModel(model, x, y);
        if (!result.passed()) {
            throw new AssertionError("model: " + result);
        }
    }

    /**
     * {@link #checkLayer} that throws {@link AssertionError} listing the failures.
     *
     * @param layer a layer built in float64
     * @param input a float64 input batch
     */
    public static void assertLayer(Layer layer, INDArray input) {
        Result result = checkLayer(layer, input);
        if (!result.passed()) {
            throw new AssertionError(layer.name() + " (" + layer.typeName() + "): " + result);
        }
    }

    /**
     * {@link #checkModel} that throws {@link AssertionError} listing the failures.
     *
     * @param model a compiled float64 model
     * @param x     inputs
     * @param y     targets
     */
    public static void assertModel(Sequential model, INDArray x, INDArray y) {
        Result result = checkModel(model, x, y);
        if (!result.passed()) {
            throw new AssertionError("model: " + result);
        }
    }

    private static long compare(String name, INDArray values, INDArray analytic, DoubleSupplier loss,
            List<Failure> failures) {
        INDArray flat = values.reshape(values.length());
        INDArray gradient = analytic.reshape(analytic.length());
        for (long i = 0; i < flat.length(); i++) {
            double original = flat.getDouble(i);
            flat.putScalar(i, original + EPSILON);
            double plus = loss.getAsDouble();
            flat.putScalar(i, original - EPSILON);
            double minus = loss.getAsDouble();
            flat.putScalar(i, original);
            double numeric = (plus - minus) / (2 * EPSILON);
            double expected = gradient.getDouble(i);
            if (Math.abs(expected - numeric) > MIN_ABSOLUTE_ERROR
                    && relativeError(expected, numeric) > MAX_RELATIVE_ERROR) {
                failures.add(new Failure(name, i, expected, numeric));
            }
        }
        return flat.length();
    }

    private static double relativeError(double analytic, double numeric) {
        double denominator = Math.abs(analytic) + Math.abs(numeric);
        return denominator == 0 ? 0 : Math.abs(analytic - numeric) / denominator;
    }

    private static void requireDouble(List<Parameter> parameters, INDArray input) {
        if (input.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("gradient check: expected a DOUBLE input, found " + input.dataType());
        }
        for (Parameter parameter : parameters) {
            if (parameter.value().dataType() != DataType.DOUBLE) {
                throw new IllegalArgumentException("gradient check: parameter " + parameter.name()
                        + " is " + parameter.value().dataType() + "; build the layer or model with DataType.DOUBLE");
            }
        }
    }

    private static INDArray random(long[] shape, Random random) {
        long length = 1;
        for (long dim : shape) {
            length *= dim;
        }
        double[] values = new double[Math.toIntExact(length)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 2 - 1;
        }
        return Nd4j.create(values, shape, 'c').castTo(DataType.DOUBLE);
    }
}

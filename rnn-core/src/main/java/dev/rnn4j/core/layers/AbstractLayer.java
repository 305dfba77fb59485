package dev.rnn4j.core.layers;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.BuildContext;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Regularizer;
import dev.rnn4j.api.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The plumbing every layer shares, so a layer holds only its math: building once, naming, the parameter registry,
 * and the input and gradient shape checks that run before any computation.
 *
 * <p>A subclass implements {@link #outputShape}, {@link #forwardInternal}, {@link #backwardInternal} and
 * {@link #config}; a layer with weights also {@link #buildInternal} (calling {@link #addWeight} for each weight) and
 * {@link #countParams}. A weight declared with a {@link Regularizer} takes part in {@link #regularizationLoss()} and
 * {@link #addRegularizationGradients()} with no more code.
 */
public abstract class AbstractLayer implements Layer {
    /** Insertion order is the save order and the summary order. */
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    /** The regularized weights' regularizers, by parameter name, in declaration order. */
    private final Map<String, Regularizer> regularizers = new LinkedHashMap<>();
    private String name;
    private Shape inputShape;
    private BuildContext context;
    private long[] lastOutputShape;

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void setName(String name) {
        if (this.name != null && !this.name.equals(name)) {
            throw new IllegalStateException("layer " + this.name + " is already named; cannot rename it to " + name);
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: expected a non-blank layer name, found '" + name + "'");
        }
        this.name = name;
    }

    @Override
    public final void build(Shape inputShape, BuildContext context) {
        if (this.inputShape != null) {
            throw new IllegalStateException(label() + " is already built for input " + this.inputShape);
        }
        outputShape(inputShape);
        this.context = context;
        this.inputShape = inputShape;
        context.backend().ensureReady();
        buildInternal(inputShape);
        long created = parameters.values().stream().mapToLong(Parameter::size).sum();
        if (created != countParams(inputShape)) {
            throw new IllegalStateException(label() + " created " + created + " parameters but declares "
                    + countParams(inputShape));
        }
    }

    @Override
    public final boolean isBuilt() {
        return inputShape != null;
    }

    @Override
    public final Shape inputShape() {
        return inputShape;
    }

    @Override
    public final INDArray forward(INDArray input, boolean training) {
        requireBuilt();
        checkShape("input", inputShape, input);
        INDArray output = forwardInternal(input, training);
        lastOutputShape = output.shape();
        return output;
    }

    @Override
    public final INDArray backward(INDArray outputGradient, boolean needInputGradient) {
        requireBuilt();
        if (lastOutputShape == null) {
            throw new IllegalStateException(label() + ": backward called before forward");
        }
        if (!Arrays.equals(lastOutputShape, outputGradient.shape())) {
            throw new IllegalArgumentException(label() + ": expected an output gradient of shape "
                    + Arrays.toString(lastOutputShape) + ", found " + Arrays.toString(outputGradient.shape()));
        }
        return backwardInternal(outputGradient, needInputGradient);
    }

    @Override
    public final List<Parameter> parameters() {
        return List.copyOf(parameters.values());
    }

    /**
     * @param name the parameter's name
     * @return the parameter, or null
     */
    public final Parameter parameter(String name) {
        return parameters.get(name);
    }

    @Override
    public String toString() {
        return label() + " " + config();
    }

    /** @return {@code name (Type)}, as errors and summaries show a layer */
    protected final String label() {
        return (name == null ? "unnamed" : name) + " (" + typeName() + ")";
    }

    /** @return the build context; only after build */
    protected final BuildContext context() {
        return context;
    }

    /** @return the backend; only after build */
    protected final Backend backend() {
        return context.backend();
    }

    /** @return the data type of this layer's arrays; only after build */
    protected final DataType dataType() {
        return context.dataType();
    }

    /** The most values one weight can hold: its initial values are made in one Java array. */
    public static final long MAX_WEIGHT_VALUES = Integer.MAX_VALUE - 8;

    /**
     * Creates a weight and its gradient, as Keras's {@code add_weight}.
     *
     * @param name        the parameter's Keras name
     * @param shape       its shape
     * @param initializer where its initial values come from
     * @return the value array
     * @throws IllegalArgumentException when the shape holds more than {@link #MAX_WEIGHT_VALUES} values
     */
    protected final INDArray addWeight(String name, int[] shape, Initializer initializer) {
        return addWeight(name, shape, initializer, null);
    }

    /**
     * Creates a weight and its gradient, as Keras's {@code add_weight(..., regularizer=...)}: the regularizer's
     * penalty of the weight joins {@link #regularizationLoss()}, its gradient {@link #addRegularizationGradients()}.
     *
     * @param name        the parameter's Keras name
     * @param shape       its shape
     * @param initializer where its initial values come from
     * @param regularizer the penalty on its values, or null for none
     * @return the value array
     * @throws IllegalArgumentException when the shape holds more than {@link #MAX_WEIGHT_VALUES} values
     */
    protected final INDArray addWeight(String name, int[] shape, Initializer initializer, Regularizer regularizer) {
        if (parameters.containsKey(name)) {
            throw new IllegalStateException(label() + ": parameter " + name + " added twice");
        }
        long[] longShape = Arrays.stream(shape).asLongStream().toArray();
        long count = Arrays.stream(longShape).reduce(1, Math::multiplyExact);
        if (count > MAX_WEIGHT_VALUES) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "%s: parameter %s of shape %s"
                    + " would hold %,d values, above the %,d one weight can hold", label(), name,
                    Arrays.toString(shape), count, MAX_WEIGHT_VALUES));
        }
        double[] values = initializer.initialize(shape, context.random());
        INDArray value = Nd4j.create(values, longShape, 'c').castTo(context.dataType());
        if (value.dataType() == DataType.DOUBLE) {
            value = value.dup('c');
        }
        INDArray gradient = context.backend().zeros(context.dataType(), longShape);
        parameters.put(name, new Parameter(name, value, gradient));
        if (regularizer != null) {
            regularizers.put(name, regularizer);
        }
        return value;
    }

    /**
     * The penalties of the weights declared with a regularizer; a wrapper overrides it to add its inner layers'.
     *
     * @return their sum at the current values, 0 before build
     */
    @Override
    public double regularizationLoss() {
        double total = 0.0;
        for (Map.Entry<String, Regularizer> entry : regularizers.entrySet()) {
            total += entry.getValue().penalty(parameters.get(entry.getKey()).value());
        }
        return total;
    }

    /** Adds each regularized weight's penalty gradient; a wrapper overrides it to reach its inner layers. */
    @Override
    public void addRegularizationGradients() {
        for (Map.Entry<String, Regularizer> entry : regularizers.entrySet()) {
            Parameter parameter = parameters.get(entry.getKey());
            entry.getValue().addGradient(parameter.value(), parameter.gradient());
        }
    }

    /**
     * Adds a parameter another layer made (a wrapper's sub-layer), under the name given.
     *
     * @param parameter the parameter, named as this layer shows and saves it
     */
    protected final void addParameter(Parameter parameter) {
        if (parameters.containsKey(parameter.name())) {
            throw new IllegalStateException(label() + ": parameter " + parameter.name() + " added twice");
        }
        parameters.put(parameter.name(), parameter);
    }

    /**
     * Throws unless {@code array} is {@code [batch, ...expected]} with batch at least 1.
     *
     * @param what     what the array is, for the message
     * @param expected the expected sample shape
     * @param array    the array
     */
    protected final void checkShape(String what, Shape expected, INDArray array) {
        long[] shape = array.shape();
        boolean fits = shape.length == expected.rank() + 1 && shape[0] >= 1;
        for (int i = 0; fits && i < expected.rank(); i++) {
            fits = expected.dim(i) == Shape.ANY ? shape[i + 1] >= 1 : shape[i + 1] == expected.dim(i);
        }
        if (!fits) {
            throw new IllegalArgumentException(label() + ": expected " + what + " of shape " + expected
                    + ", found " + Arrays.toString(shape));
        }
        if (array.dataType() != context.dataType()) {
            throw new IllegalArgumentException(label() + ": expected " + what + " of type " + context.dataType()
                    + ", found " + array.dataType());
        }
    }

    /**
     * Throws unless the input shape has the given rank.
     *
     * @param inputShape the sample shape
     * @param rank       the rank required, without the batch
     * @param meaning    what the dimensions mean, for the message
     */
    protected final void requireRank(Shape inputShape, int rank, String meaning) {
        if (inputShape.rank() != rank) {
            throw new IllegalArgumentException(label() + ": expected input of rank " + (rank + 1) + " " + meaning
                    + ", found shape " + inputShape);
        }
    }

    /**
     * Throws unless the input's last dimension is known: the weights depend on it, so it cannot be {@link Shape#ANY}.
     *
     * @param inputShape the sample shape
     */
    protected final void requireFixedFeatures(Shape inputShape) {
        if (inputShape.rank() > 0 && inputShape.last() == Shape.ANY) {
            throw new IllegalArgumentException(label() + ": the last dimension of input " + inputShape + " sizes the"
                    + " layer's weights, so it must be known; only the other dimensions (the timesteps) may be None");
        }
    }

    private void requireBuilt() {
        if (inputShape == null) {
            throw new IllegalStateException(label() + " is not built: add it to a model, or call build(shape, context)");
        }
    }

    /**
     * Creates the weights with {@link #addWeight}; by default none.
     *
     * @param inputShape the validated input sample shape
     */
    protected void buildInternal(Shape inputShape) {
    }

    /** @return 0 by default, for layers without weights; build checks it against the weights created */
    @Override
    public long countParams(Shape inputShape) {
        return 0;
    }

    /**
     * @param layer a wrapper's inner layer
     * @return its saved form, as Keras nests one: {@code {"class_name": type, "config": {...}}}
     */
    protected static Map<String, Object> nestedConfig(Layer layer) {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("class_name", layer.typeName());
        inner.put("config", layer.config());
        return inner;
    }

    /**
     * The forward math; the input's shape is already checked.
     *
     * @param input    the input batch
     * @param training whether training-only behaviour applies
     * @return the output, owned by the layer
     */
    protected abstract INDArray forwardInternal(INDArray input, boolean training);

    /**
     * The backward math; the gradient's shape is already checked.
     *
     * @param outputGradient    gradient with respect to the last output
     * @param needInputGradient whether to return the input gradient
     * @return the input gradient or null
     */
    protected abstract INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient);

    /** @return a list of parameters for the summary of subclasses that need it */
    protected final List<Parameter> parameterList() {
        return new ArrayList<>(parameters.values());
    }
}

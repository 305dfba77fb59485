package dev.rnn4j.core;

import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.layers.Bidirectional;
import dev.rnn4j.core.layers.RNN;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One call of a layer in a functional graph ({@link Graph#call}): the layer, the tensors it was called on (the input,
 * then an optional mask and the initial states) and the tensors it made (the output, then the returned states). The
 * node runs the layer through the entry points its kind has: {@link Layer#forward}/{@link Layer#backward} for any
 * layer; for {@link RNN} and {@link Bidirectional} also their forms with a mask, initial states and state gradients.
 */
final class Node {
    /** Creation order: a node's inputs are always made before it, so this order is a topological order. */
    private static final AtomicLong CREATED = new AtomicLong();

    enum Kind {
        /** Any layer: one input, one output. */
        PLAIN,
        /** An {@link RNN}: mask, initial states, returned states. */
        RECURRENT,
        /** A {@link Bidirectional}: the same, both directions' states; two outputs with merge mode none. */
        BIDIRECTIONAL
    }

    private final long id = CREATED.incrementAndGet();
    private final Layer layer;
    private final Kind kind;
    private final Tensor input;
    private final Tensor mask;
    private final List<Tensor> initialState;
    private final List<Tensor> outputs;
    /** How many outputs are the layer's outputs proper (2 for Bidirectional with merge mode none); then states. */
    private final int mainOutputs;

    Node(Layer layer, Kind kind, Tensor input, Tensor mask, List<Tensor> initialState, List<Shape> mainShapes,
            List<Shape> stateShapes) {
        this.layer = layer;
        this.kind = kind;
        this.input = input;
        this.mask = mask;
        this.initialState = List.copyOf(initialState);
        this.mainOutputs = mainShapes.size();
        List<Tensor> made = new ArrayList<>();
        for (Shape shape : mainShapes) {
            made.add(new Tensor(shape, this, made.size()));
        }
        for (Shape shape : stateShapes) {
            made.add(new Tensor(shape, this, made.size()));
        }
        this.outputs = List.copyOf(made);
    }

    long id() {
        return id;
    }

    Layer layer() {
        return layer;
    }

    Kind kind() {
        return kind;
    }

    Tensor input() {
        return input;
    }

    /** @return the mask tensor, or null */
    Tensor mask() {
        return mask;
    }

    /** @return the initial-state tensors; empty for none */
    List<Tensor> initialState() {
        return initialState;
    }

    /** @return every tensor this node reads: the input, the mask (when given), the initial states */
    List<Tensor> inputs() {
        List<Tensor> all = new ArrayList<>();
        all.add(input);
        if (mask != null) {
            all.add(mask);
        }
        all.addAll(initialState);
        return all;
    }

    List<Tensor> outputs() {
        return outputs;
    }

    /**
     * @param input a concrete shape of this node's input, for example a batch's when the graph's has {@link Shape#ANY}
     * @return the shapes of the outputs for it: the layer's output for the main ones, the states as declared
     */
    List<Shape> outputShapes(Shape input) {
        Shape main = layer.outputShape(input);
        List<Shape> shapes = new ArrayList<>(outputs.size());
        for (int k = 0; k < outputs.size(); k++) {
            shapes.add(k < mainOutputs ? main : outputs.get(k).shape());
        }
        return shapes;
    }

    /**
     * Runs the layer.
     *
     * @param x            the input batch
     * @param maskValues   the mask batch, or null
     * @param initialValues one batch per initial state, or null for none
     * @param training     whether training-only behaviour applies
     * @return one array per output tensor, owned by the layer
     */
    List<INDArray> forward(INDArray x, INDArray maskValues, List<INDArray> initialValues, boolean training) {
        switch (kind) {
            case PLAIN -> {
                return List.of(layer.forward(x, training));
            }
            case RECURRENT -> {
                RNN recurrent = (RNN) layer;
                INDArray output = recurrent.forward(x, maskValues, initialValues, training);
                if (!recurrent.returnState()) {
                    return List.of(output);
                }
                List<INDArray> all = new ArrayList<>();
                all.add(output);
                all.addAll(recurrent.states());
                return all;
            }
            case BIDIRECTIONAL -> {
                Bidirectional bidirectional = (Bidirectional) layer;
                List<INDArray> all = new ArrayList<>();
                if (mainOutputs == 2) {
                    all.addAll(bidirectional.forwardBoth(x, maskValues, initialValues, training));
                } else {
                    all.add(bidirectional.forward(x, maskValues, initialValues, training));
                }
                if (bidirectional.layer().returnState()) {
                    all.addAll(bidirectional.states());
                }
                return all;
            }
            default -> throw new AssertionError(kind);
        }
    }

    /**
     * The backward pass of the last forward pass.
     *
     * @param gradients         one gradient per output tensor, null where the loss does not depend on it
     * @param zeros             zeros of output {@code k}'s batch shape, for outputs without a gradient that the layer
     *                          needs all the same
     * @param needInputGradient whether to return the input's gradient
     * @return the input's gradient, owned by the layer, or null
     */
    INDArray backward(List<INDArray> gradients, IntFunction<INDArray> zeros, boolean needInputGradient) {
        List<INDArray> main = new ArrayList<>(mainOutputs);
        for (int k = 0; k < mainOutputs; k++) {
            main.add(gradients.get(k) != null ? gradients.get(k) : zeros.apply(k));
        }
        List<INDArray> states = null;
        if (gradients.subList(mainOutputs, gradients.size()).stream().anyMatch(gradient -> gradient != null)) {
            states = new ArrayList<>();
            for (int k = mainOutputs; k < gradients.size(); k++) {
                states.add(gradients.get(k) != null ? gradients.get(k) : zeros.apply(k));
            }
        }
        switch (kind) {
            case PLAIN -> {
                return layer.backward(main.get(0), needInputGradient);
            }
            case RECURRENT -> {
                return ((RNN) layer).backward(main.get(0), states, needInputGradient);
            }
            case BIDIRECTIONAL -> {
                Bidirectional bidirectional = (Bidirectional) layer;
                return mainOutputs == 2 ? bidirectional.backwardBoth(main, states, needInputGradient)
                        : bidirectional.backward(main.get(0), states, needInputGradient);
            }
            default -> throw new AssertionError(kind);
        }
    }

    /** @return after {@link #backward}, the initial states' gradients, owned by the layer; only with initial states */
    List<INDArray> initialStateGradients() {
        if (kind == Kind.RECURRENT) {
            return ((RNN) layer).initialStateGradients();
        }
        Bidirectional bidirectional = (Bidirectional) layer;
        List<INDArray> both = new ArrayList<>(bidirectional.forwardLayer().initialStateGradients());
        both.addAll(bidirectional.backwardLayer().initialStateGradients());
        return both;
    }

    @Override
    public String toString() {
        return Graph.describe(layer) + " on " + inputs() + " -> " + Arrays.toString(outputs.toArray());
    }
}

package dev.rnn4j.core;

import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.layers.Bidirectional;
import dev.rnn4j.core.layers.RNN;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Calling a layer on tensors, as calling a Keras layer in the functional API: {@code y = Dense(10)(x)} is
 * {@code Tensor y = Graph.call(new Dense(10), x)}. Nothing is computed and nothing is built: the call checks the shapes
 * and records a node; {@link Model} builds and runs the nodes its outputs need.
 *
 * <pre>{@code
 * Tensor encoderInput = Input.of(Shape.of(5, 2));
 * List<Tensor> encoded = Graph.callAll(LSTM.builder(8).returnState(true).build(), encoderInput); // [output, h, c]
 * Tensor decoderInput = Input.of(Shape.of(3, 1));
 * Tensor decoded = Graph.call(LSTM.builder(8).build(), decoderInput, encoded.subList(1, 3));   // initial [h, c]
 * Tensor probabilities = Graph.call(new Activation("softmax"), Graph.call(new Dense(3), decoded));
 * }</pre>
 *
 * <p>Any {@link Layer} takes one input and makes one output. Recurrent layers ({@link RNN}: {@code SimpleRNN},
 * {@code LSTM}, {@code GRU}, and {@link Bidirectional}) also take a mask ({@code (timesteps)} per sample, nonzero where
 * a step is used) and initial states (one {@code (size)} tensor per state: LSTM {@code [h, c]}; Bidirectional the
 * forward layer's then the backward layer's), and, built with {@code returnState}, make their final states as extra
 * outputs after the output (Bidirectional with merge mode {@code none}: both directions' outputs, then the states).
 * Gradients flow into the input and the initial states, never into a mask.
 *
 * <p>Why a node picks the entry points by the layer's class rather than by a multi-input contract in rnn-api: the
 * recurrent layers already have their mask, initial-state and state-gradient entry points, no other layer has more
 * than one input yet, and a contract with several inputs would need its own shapes, build and parameter count beside
 * {@link Layer}'s. A layer with several data inputs (a merge or attention layer) is the point to add one.
 */
public final class Graph {
    private Graph() {
    }

    /**
     * Calls a layer with one output on a tensor.
     *
     * @param layer the layer
     * @param input its input
     * @return the output
     * @throws IllegalArgumentException when the shapes do not fit, or the layer makes more than one tensor
     */
    public static Tensor call(Layer layer, Tensor input) {
        return single(callAll(layer, input, null, List.of()));
    }

    /**
     * Calls a recurrent layer with initial states.
     *
     * @param layer        an {@link RNN} or {@link Bidirectional}
     * @param input        its input {@code (timesteps, features)}
     * @param initialState one tensor per state
     * @return the output
     * @throws IllegalArgumentException naming the layer, what was expected and what was found
     */
    public static Tensor call(Layer layer, Tensor input, List<Tensor> initialState) {
        return single(callAll(layer, input, null, initialState));
    }

    /**
     * Calls a recurrent layer with a mask and initial states.
     *
     * @param layer        an {@link RNN} or {@link Bidirectional}
     * @param input        its input {@code (timesteps, features)}
     * @param mask         {@code (timesteps)}, or null
     * @param initialState one tensor per state, or empty for zeros
     * @return the output
     * @throws IllegalArgumentException naming the layer, what was expected and what was found
     */
    public static Tensor call(Layer layer, Tensor input, Tensor mask, List<Tensor> initialState) {
        return single(callAll(layer, input, mask, initialState));
    }

    /**
     * Calls a layer and returns every tensor it makes: the output, then (with {@code returnState}) the final states.
     *
     * @param layer the layer
     * @param input its input
     * @return the outputs
     */
    public static List<Tensor> callAll(Layer layer, Tensor input) {
        return callAll(layer, input, null, List.of());
    }

    /**
     * @param layer        an {@link RNN} or {@link Bidirectional}
     * @param input        its input
     * @param initialState one tensor per state
     * @return the output, then the final states when the layer returns them
     */
    public static List<Tensor> callAll(Layer layer, Tensor input, List<Tensor> initialState) {
        return callAll(layer, input, null, initialState);
    }

    /**
     * The general call.
     *
     * @param layer        the layer; a mask and initial states only for an {@link RNN} or {@link Bidirectional}
     * @param input        its input
     * @param mask         {@code (timesteps)}, or null
     * @param initialState one tensor per state, or empty for zeros
     * @return the output (both directions' outputs for Bidirectional with merge mode none), then the final states when
     *         the layer returns them
     * @throws IllegalArgumentException naming the layer, what was expected and what was found
     */
    public static List<Tensor> callAll(Layer layer, Tensor input, Tensor mask, List<Tensor> initialState) {
        Objects.requireNonNull(layer, "Graph.call: layer is null");
        Objects.requireNonNull(input, "Graph.call: input of " + describe(layer) + " is null");
        Objects.requireNonNull(initialState, "Graph.call: initialState of " + describe(layer) + " is null (pass"
                + " an empty list for zeros)");
        for (int s = 0; s < initialState.size(); s++) {
            Objects.requireNonNull(initialState.get(s), "Graph.call: initial state " + s + " of " + describe(layer)
                    + " is null");
        }
        if (layer instanceof dev.rnn4j.core.layers.Masking
                || layer instanceof dev.rnn4j.core.layers.Embedding embedding && embedding.maskZero()) {
            // a functional model does not carry masks from layer to layer yet: refuse rather than count the padding
            throw new IllegalArgumentException("Graph.call: " + describe(layer) + " makes a mask, and a functional"
                    + " Model does not carry masks from layer to layer; build the mask as an Input and pass it to"
                    + " the recurrent layers with Graph.call(layer, input, mask, initialState), or use a Sequential");
        }
        Shape output;
        try {
            output = layer.outputShape(input.shape());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Graph.call: " + describe(layer) + " on " + input + ": "
                    + e.getMessage(), e);
        }
        if (layer.isBuilt() && !layer.inputShape().equals(input.shape())) {
            throw new IllegalArgumentException("Graph.call: " + describe(layer) + " is built for input "
                    + layer.inputShape() + ", found " + input);
        }
        Node.Kind kind = layer instanceof RNN ? Node.Kind.RECURRENT
                : layer instanceof Bidirectional ? Node.Kind.BIDIRECTIONAL : Node.Kind.PLAIN;
        if (kind == Node.Kind.PLAIN) {
            if (mask != null || !initialState.isEmpty()) {
                throw new IllegalArgumentException("Graph.call: " + describe(layer) + " takes one input; a mask and"
                        + " initial states are for recurrent layers (RNN, SimpleRNN, LSTM, GRU, Bidirectional), found "
                        + (mask != null ? "a mask " + mask : initialState.size() + " initial states"));
            }
            return new Node(layer, kind, input, null, List.of(), List.of(output), List.of()).outputs();
        }
        RNN recurrent = kind == Node.Kind.RECURRENT ? (RNN) layer : ((Bidirectional) layer).layer();
        boolean bidirectional = kind == Node.Kind.BIDIRECTIONAL;
        List<Shape> states = new ArrayList<>();
        for (int copy = 0; copy < (bidirectional ? 2 : 1); copy++) {
            for (int size : recurrent.stateSizes()) {
                states.add(Shape.of(size));
            }
        }
        Shape maskShape = Shape.of(input.shape().dim(0));
        if (mask != null && !mask.shape().equals(maskShape)) {
            throw new IllegalArgumentException("Graph.call: " + describe(layer) + " expects a mask of shape "
                    + maskShape + " (one value per timestep), found " + mask);
        }
        if (!initialState.isEmpty()) {
            if (initialState.size() != states.size()) {
                throw new IllegalArgumentException("Graph.call: " + describe(layer) + " expects " + states.size()
                        + " initial states (" + (bidirectional ? "the forward layer's, then the backward layer's; "
                        : "") + "one per state of " + recurrent.cell().typeName() + ": " + shapes(states)
                        + "), found " + initialState.size() + ": " + initialState);
            }
            for (int s = 0; s < states.size(); s++) {
                if (!initialState.get(s).shape().equals(states.get(s))) {
                    throw new IllegalArgumentException("Graph.call: " + describe(layer) + " expects initial state "
                            + s + " of shape " + states.get(s) + ", found " + initialState.get(s));
                }
            }
        }
        boolean none = bidirectional && ((Bidirectional) layer).mergeMode() == Bidirectional.MergeMode.NONE;
        List<Shape> main = none ? List.of(output, output) : List.of(output);
        return new Node(layer, kind, input, mask, initialState, main,
                recurrent.returnState() ? states : List.of()).outputs();
    }

    private static Tensor single(List<Tensor> outputs) {
        if (outputs.size() != 1) {
            Node node = outputs.get(0).node();
            String what = node.kind() == Node.Kind.BIDIRECTIONAL
                    && ((Bidirectional) node.layer()).mergeMode() == Bidirectional.MergeMode.NONE
                    ? "both directions' outputs" : "its output";
            int states = node.outputs().size() - (what.startsWith("both") ? 2 : 1);
            throw new IllegalArgumentException("Graph.call: " + describe(node.layer()) + " makes " + outputs.size()
                    + " tensors (" + what + (states > 0 ? ", then its " + states + " states, as returnState asks"
                    : "") + "); use Graph.callAll to get them");
        }
        return outputs.get(0);
    }

    private static String shapes(List<Shape> shapes) {
        return String.join(", ", shapes.stream().map(Shape::toString).toList());
    }

    /**
     * @param layer a layer
     * @return {@code name (Type)}, or the type alone before the layer is named
     */
    static String describe(Layer layer) {
        return layer.name() == null ? layer.typeName() : layer.name() + " (" + layer.typeName() + ")";
    }

    /** @return the shapes as Keras prints a list of them: {@code [(None, 8), (None, 8)]} */
    static String describeShapes(List<Shape> shapes) {
        return Arrays.toString(shapes.toArray());
    }
}

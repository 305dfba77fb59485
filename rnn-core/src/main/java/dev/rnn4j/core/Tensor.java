package dev.rnn4j.core;

import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Shape;
import java.util.Objects;

/**
 * A symbolic tensor of a functional {@link Model}, as Keras's {@code KerasTensor}: a sample shape and where it comes
 * from, with no values. {@link Input#of} makes the tensors a model starts from; {@link Graph#call} makes one per output
 * of a layer. A tensor is immutable and knows only what it was made from, so a graph of tensors has no cycles.
 */
public final class Tensor {
    private final Shape shape;
    private final Node node;
    private final int index;
    private String name;

    /** An input. */
    Tensor(Shape shape, String name) {
        this.shape = Objects.requireNonNull(shape, "shape is null");
        this.node = null;
        this.index = 0;
        this.name = name;
    }

    /** Output {@code index} of a node. */
    Tensor(Shape shape, Node node, int index) {
        this.shape = shape;
        this.node = node;
        this.index = index;
    }

    /** @return the sample shape, without the batch dimension */
    public Shape shape() {
        return shape;
    }

    /** @return whether {@link Input#of} made this tensor */
    public boolean isInput() {
        return node == null;
    }

    /** @return the layer whose call made this tensor, or null for an input */
    public Layer layer() {
        return node == null ? null : node.layer();
    }

    /** @return which of its layer's outputs this is: 0 for the output, then the returned states (0 for an input) */
    public int index() {
        return index;
    }

    /** @return an input's name, or null (a model names unnamed inputs {@code input_1}, {@code input_2}, ...) */
    public String name() {
        return name;
    }

    Node node() {
        return node;
    }

    void setName(String name) {
        this.name = name;
    }

    /**
     * @return {@code encoder_input (None, 5, 2)}, {@code Input (None, 5, 2)} (unnamed) or
     *         {@code output 1 of lstm (LSTM) (None, 8)}
     */
    @Override
    public String toString() {
        if (node == null) {
            return (name == null ? "Input" : name) + " " + shape;
        }
        return "output " + index + " of " + Graph.describe(node.layer()) + " " + shape;
    }
}

package dev.rnn4j.mnist.report;

import java.util.Objects;

/**
 * One box of the model diagram drawn by {@link Charts#writeModelDiagram}: a layer's name, its type
 * and its input and output shapes, already formatted the way Keras prints them.
 *
 * <p>Example: {@code new DiagramLayer("simple_rnn", "SimpleRNN", "(None, 28, 28)", "(None, 256)")}.
 *
 * @param name the layer's name, e.g. {@code simple_rnn}; not blank
 * @param type the layer's type, e.g. {@code SimpleRNN}; not blank
 * @param inputShape the input shape as text, e.g. {@code (None, 28, 28)}; not null (may be empty)
 * @param outputShape the output shape as text, e.g. {@code (None, 256)}; not null (may be empty)
 */
public record DiagramLayer(String name, String type, String inputShape, String outputShape) {

    /** The layer type Keras gives the implicit input box of a {@code Sequential} model. */
    public static final String INPUT_LAYER_TYPE = "InputLayer";

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if {@code name} or {@code type} is blank
     */
    public DiagramLayer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(outputShape, "outputShape");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (type.isBlank()) {
            throw new IllegalArgumentException("type must not be blank (layer '" + name + "')");
        }
    }

    /**
     * Whether this is an input box ({@link #INPUT_LAYER_TYPE}, compared ignoring case).
     *
     * @return true for an {@code InputLayer}
     */
    public boolean isInputLayer() {
        return INPUT_LAYER_TYPE.equalsIgnoreCase(type);
    }

    /**
     * The text of the left cell of the box, {@code name: Type}, as Keras's {@code plot_model} draws it.
     *
     * @return {@code name + ": " + type}
     */
    public String label() {
        return name + ": " + type;
    }
}

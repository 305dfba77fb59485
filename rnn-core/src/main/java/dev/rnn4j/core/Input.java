package dev.rnn4j.core;

import dev.rnn4j.api.Shape;
import java.util.Objects;

/**
 * Keras's {@code Input}: the tensors a functional {@link Model} starts from, one per array the model takes.
 *
 * <pre>{@code
 * Tensor sequence = Input.of(Shape.of(timesteps, features), "encoder_input");
 * Tensor mask = Input.of(Shape.of(timesteps));         // [batch, timesteps], for a recurrent layer's mask
 * }</pre>
 */
public final class Input {
    private Input() {
    }

    /**
     * @param shape the sample shape, without the batch dimension
     * @return a new input tensor, named by its model ({@code input_1}, ...)
     */
    public static Tensor of(Shape shape) {
        return new Tensor(Objects.requireNonNull(shape, "Input: shape is null"), null);
    }

    /**
     * @param shape the sample shape, without the batch dimension
     * @param name  the name errors and summaries show
     * @return a new input tensor
     */
    public static Tensor of(Shape shape, String name) {
        Objects.requireNonNull(shape, "Input: shape is null");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Input: expected a non-blank name, found '" + name + "'");
        }
        return new Tensor(shape, name);
    }
}

package dev.rnn4j.api;

import java.util.Objects;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What a layer receives when it is built: the backend that does its math, the data type of its arrays, and the seeded
 * random generator it draws initial weights and dropout masks from. A layer may keep all three for its life.
 *
 * @param backend  the compute backend
 * @param dataType float32 for training, float64 for gradient checks
 * @param random   the model's generator; drawing from it in a fixed order makes runs reproducible
 */
public record BuildContext(Backend backend, DataType dataType, Random random) {
    /** Checks the arguments. */
    public BuildContext {
        Objects.requireNonNull(backend, "backend is null");
        Objects.requireNonNull(dataType, "dataType is null");
        Objects.requireNonNull(random, "random is null");
        if (!dataType.isFPType()) {
            throw new IllegalArgumentException("dataType: expected a floating-point type, found " + dataType);
        }
    }
}

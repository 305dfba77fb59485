package dev.rnn4j.core.optimizers;

import dev.rnn4j.api.Parameter;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Checks and copies the slot arrays an optimizer's {@code restoreState} receives. */
final class SlotArrays {
    private SlotArrays() {
    }

    /**
     * @param optimizer the optimizer's name, for messages
     * @param parameter the parameter
     * @param state     the slots offered
     * @param expected  the slots this optimizer keeps with its settings
     * @throws IllegalArgumentException naming the missing or unknown slots
     */
    static void checkNames(String optimizer, Parameter parameter, Map<String, INDArray> state, Set<String> expected) {
        if (!state.keySet().equals(expected)) {
            throw new IllegalArgumentException(optimizer + " state of parameter " + parameter.name()
                    + ": expected slots " + expected + " for these settings, found " + state.keySet());
        }
    }

    /**
     * @return a new contiguous array of the parameter's data type holding {@code values}
     * @throws IllegalArgumentException when the shape differs from the parameter's
     */
    static INDArray copy(String optimizer, Parameter parameter, String slot, INDArray values) {
        if (!Arrays.equals(values.shape(), parameter.shape())) {
            throw new IllegalArgumentException(optimizer + " slot " + slot + " of parameter " + parameter.name()
                    + ": expected shape " + Arrays.toString(parameter.shape()) + ", found "
                    + Arrays.toString(values.shape()));
        }
        return values.castTo(parameter.value().dataType()).dup('c');
    }

    /** @return a zero array like the parameter's value, for scratch space */
    static INDArray zerosLike(Parameter parameter) {
        return parameter.value().dup('c').assign(0);
    }
}

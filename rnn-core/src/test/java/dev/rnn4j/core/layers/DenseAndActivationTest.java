package dev.rnn4j.core.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.GradientCheck;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.regularizers.L1L2;
import dev.rnn4j.core.regularizers.L2;
import dev.rnn4j.core.testkit.LayerContractTest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DenseAndActivationTest {

    /** The contract kit on Dense over {@code [batch, features]}: linear, tanh, and without bias. */
    @Nested
    class DenseContract extends LayerContractTest<Dense> {
        @Override
        protected Dense createLayer() {
            return new Dense(3);
        }

        @Override
        protected Shape inputShape() {
            return Shape.of(4);
        }

        @Override
        protected Map<String, Supplier<Dense>> variants() {
            Map<String, Supplier<Dense>> variants = new LinkedHashMap<>();
            variants.put("tanh", () -> new Dense(2, ActivationFunction.TANH));
            variants.put("no_bias", () -> new Dense(2, ActivationFunction.LINEAR, false,
                    Initializers.glorotUniform(), Initializers.zeros()));
            // the check's loss includes the penalties, so a wrong penalty gradient fails it
            variants.put("regularized", () -> Dense.builder(2).activation(ActivationFunction.TANH)
                    .kernelRegularizer(new L1L2(0.1, 0.2)).biasRegularizer(new L2(0.3))
                    .biasInitializer(Initializers.constant(0.5)).build());
            return variants;
        }
    }

    /** The contract kit on Dense over {@code [batch, timesteps, features]}. */
    @Nested
    class DenseOnSequencesContract extends LayerContractTest<Dense> {
        @Override
        protected Dense createLayer() {
            return new Dense(2, ActivationFunction.RELU);
        }

        @Override
        protected Shape inputShape() {
            return Shape.of(3, 4);
        }
    }

    /** The contract kit on Activation: softmax, and the elementwise functions. */
    @Nested
    class ActivationContract extends LayerContractTest<Activation> {
        @Override
        protected Activation createLayer() {
            return new Activation("softmax");
        }

        @Override
        protected Shape inputShape() {
            return Shape.of(5);
        }

        @Override
        protected Map<String, Supplier<Activation>> variants() {
            Map<String, Supplier<Activation>> variants = new LinkedHashMap<>();
            for (ActivationFunction function : ActivationFunction.values()) {
                if (function != ActivationFunction.SOFTMAX) {
                    variants.put(function.kerasName(), () -> new Activation(function));
                }
            }
            return variants;
        }
    }

    @Test
    void denseComputesXTimesKernelPlusBias() {
        Dense dense = TestSupport.buildDouble(new Dense(3), Shape.of(4), 1);
        INDArray x = GradientCheck.randomInput(dense, 5, 2);
        INDArray expected = x.mmul(dense.parameter("kernel").value())
                .addRowVector(dense.parameter("bias").value().reshape(1, 3).add(0.5));
        dense.parameter("bias").value().addi(0.5);
        assertThat(dense.forward(x, false).equalsWithEps(expected, 1e-12)).isTrue();
    }

    @Test
    void denseHasKerasParameterNamesAndCount() {
        Dense dense = TestSupport.buildFloat(new Dense(10), Shape.of(256), 1);
        assertThat(dense.parameters()).extracting(p -> p.name()).containsExactly("kernel", "bias");
        assertThat(dense.parameter("kernel").shape()).containsExactly(256, 10);
        assertThat(dense.countParams(Shape.of(256))).isEqualTo(2_570);
    }

    @Test
    void densePassesGradientCheck() {
        Dense dense = TestSupport.buildDouble(new Dense(3), Shape.of(4), 3);
        GradientCheck.assertLayer(dense, GradientCheck.randomInput(dense, 5, 4));
    }

    @ParameterizedTest
    @EnumSource(ActivationFunction.class)
    void densePassesGradientCheckWithEachActivation(ActivationFunction activation) {
        Dense dense = TestSupport.buildDouble(new Dense(4, activation), Shape.of(3), 5);
        GradientCheck.assertLayer(dense, GradientCheck.randomInput(dense, 3, 6));
    }

    @Test
    void densePassesGradientCheckOnSequences() {
        Dense dense = TestSupport.buildDouble(new Dense(2, ActivationFunction.TANH), Shape.of(3, 4), 5);
        assertThat(dense.outputShape(Shape.of(3, 4))).isEqualTo(Shape.of(3, 2));
        GradientCheck.assertLayer(dense, GradientCheck.randomInput(dense, 2, 6));
    }

    @ParameterizedTest
    @EnumSource(ActivationFunction.class)
    void activationPassesGradientCheck(ActivationFunction function) {
        Activation activation = TestSupport.buildDouble(new Activation(function), Shape.of(6), 1);
        GradientCheck.assertLayer(activation, GradientCheck.randomInput(activation, 4, 9).muli(3));
    }

    @Test
    void softmaxRowsSumToOneAndAreStableForLargeInputs() {
        Activation softmax = TestSupport.buildFloat(new Activation("softmax"), Shape.of(3), 1);
        INDArray logits = Nd4j.createFromArray(new float[][] {{1000f, 1001f, 1002f}, {-5f, 0f, 5f}});
        INDArray p = softmax.forward(logits, false);
        assertThat(p.sum(1).toDoubleVector()).containsExactly(new double[] {1.0, 1.0},
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(p.getDouble(0, 2)).isCloseTo(0.66524096, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void unknownActivationNameIsRejectedWithTheChoices() {
        assertThatThrownBy(() -> new Activation("softplus")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("softplus").hasMessageContaining("tanh");
    }

    @Test
    void denseRejectsWrongFeatureCount() {
        Dense dense = TestSupport.buildFloat(new Dense(10), Shape.of(256), 1);
        assertThatThrownBy(() -> dense.forward(Nd4j.zeros(DataType.FLOAT, 3, 255), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dense (Dense)").hasMessageContaining("(None, 256)")
                .hasMessageContaining("[3, 255]");
        assertThatThrownBy(() -> new Dense(0)).hasMessageContaining("units").hasMessageContaining("0");
    }
}

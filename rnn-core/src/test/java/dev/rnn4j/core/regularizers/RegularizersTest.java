package dev.rnn4j.core.regularizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Regularizer;
import dev.rnn4j.core.Values;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * L1, L2 and L1L2: penalties pinned to Keras's regularizers.py docstring and regularizers_test.py, gradients by hand
 * and by central differences, names and configs as {@code keras.regularizers.get} reads them, and the errors.
 */
class RegularizersTest {
    /** A weight with a negative entry, a zero and two positives: {@code [[-1.5, 0], [0.25, 2]]}. */
    private static INDArray weights() {
        return Nd4j.createFromArray(new double[][] {{-1.5, 0.0}, {0.25, 2.0}});
    }

    private static INDArray filled(double value, long... shape) {
        return Nd4j.valueArrayOf(shape, value, DataType.FLOAT);
    }

    // ------------------------------------------------------------------------------------ Keras's pinned values

    @Test
    void l2OfOnesMatchesKerasDocstring() {
        // regularizers.py: L2(2.)(ops.ones((5, 5))) == 50.0
        assertThat(new L2(2.0).penalty(filled(1.0, 5, 5))).isEqualTo(50.0);
        // the custom L2Regularizer(l2=0.5) of the docstring on a ones kernel (5, 5): 12.5
        assertThat(new L2(0.5).penalty(filled(1.0, 5, 5))).isEqualTo(12.5);
    }

    @Test
    void l1OfAOnesKernelMatchesKerasDocstring() {
        // Dense(5, input_dim=5, kernel_initializer='ones', kernel_regularizer=L1(0.01)): kernel term 0.25
        assertThat(new L1(0.01).penalty(filled(1.0, 5, 5))).isCloseTo(0.25, within(1e-15));
    }

    @Test
    void zeroWeightsAndZeroFactorsGiveZero() {
        INDArray zeros = filled(0.0, 4, 4);
        INDArray random = random(4, 4);
        assertThat(new L1(0.1).penalty(zeros)).isZero();
        assertThat(new L2(0.1).penalty(zeros)).isZero();
        assertThat(new L1L2(0.1, 0.2).penalty(zeros)).isZero();
        assertThat(new L1(0.0).penalty(random)).isZero();
        assertThat(new L2(0.0).penalty(random)).isZero();
        assertThat(new L1L2(0.0, 0.0).penalty(random)).isZero();
    }

    @Test
    void l1OfNegativeWeightsEqualsL1OfPositiveOnes() {
        assertThat(new L1(0.1).penalty(filled(-1.0, 4, 4))).isEqualTo(new L1(0.1).penalty(filled(1.0, 4, 4)))
                .isCloseTo(1.6, within(1e-12));
    }

    @Test
    void l2IsLargerThanL1ForLargeWeightsAndSmallerForSmallOnes() {
        // regularizers_test.py: ones * 10 and ones * 0.1, shape (4, 4), factors 1
        assertThat(new L2(1.0).penalty(filled(10.0, 4, 4))).isEqualTo(1600.0);
        assertThat(new L1(1.0).penalty(filled(10.0, 4, 4))).isEqualTo(160.0);
        assertThat(new L2(1.0).penalty(filled(0.1f, 4, 4))).isCloseTo(0.16, within(1e-6));
        assertThat(new L1(1.0).penalty(filled(0.1f, 4, 4))).isCloseTo(1.6, within(1e-6));
    }

    @Test
    void l1l2IsTheSumOfItsTermsAndEachAloneIsL1OrL2() {
        INDArray value = random(4, 4);
        double[] v = Values.of(value);
        double abs = 0;
        double squares = 0;
        for (double x : v) {
            abs += Math.abs(x);
            squares += x * x;
        }
        assertThat(new L1L2(0.1, 0.2).penalty(value)).isCloseTo(0.1 * abs + 0.2 * squares, within(1e-12));
        assertThat(new L1L2(0.1, 0.0).penalty(value)).isEqualTo(new L1(0.1).penalty(value));
        assertThat(new L1L2(0.0, 0.1).penalty(value)).isEqualTo(new L2(0.1).penalty(value));
    }

    // ------------------------------------------------------------------------------------- hand-computed values

    @Test
    void penaltiesOfAMixedWeightByHand() {
        // sum|w| = 1.5 + 0 + 0.25 + 2 = 3.75; sum w^2 = 2.25 + 0 + 0.0625 + 4 = 6.3125 (Keras 3: no factor 1/2)
        assertThat(new L1(0.1).penalty(weights())).isCloseTo(0.375, within(1e-15));
        assertThat(new L2(0.1).penalty(weights())).isCloseTo(0.63125, within(1e-15));
        assertThat(new L1L2(0.1, 0.01).penalty(weights())).isCloseTo(0.375 + 0.063125, within(1e-15));
    }

    @Test
    void gradientsAreAddedToTheGradientByHand() {
        assertGradient(new L1(0.1), -0.1, 0.0, 0.1, 0.1);                 // l1 * sign(w), 0 at w = 0
        assertGradient(new L2(0.1), -0.3, 0.0, 0.05, 0.4);               // 2 * l2 * w
        assertGradient(new L1L2(0.1, 0.1), -0.4, 0.0, 0.15, 0.5);
    }

    private static void assertGradient(Regularizer regularizer, double... added) {
        INDArray gradient = Nd4j.createFromArray(new double[][] {{1.0, 2.0}, {3.0, 4.0}});
        INDArray w = weights();
        regularizer.addGradient(w, gradient);
        double[] expected = {1.0 + added[0], 2.0 + added[1], 3.0 + added[2], 4.0 + added[3]};
        assertThat(Values.of(gradient)).as("%s", regularizer).containsExactly(expected, within(1e-15));
        assertThat(Values.of(w)).as("weights unchanged").containsExactly(-1.5, 0.0, 0.25, 2.0);
    }

    @Test
    void gradientsMatchCentralDifferences() {
        INDArray value = random(3, 5).castTo(DataType.DOUBLE);
        for (Regularizer regularizer : new Regularizer[] {new L1(0.3), new L2(0.7), new L1L2(0.2, 0.9)}) {
            INDArray gradient = Nd4j.zeros(DataType.DOUBLE, 3, 5);
            regularizer.addGradient(value, gradient);
            INDArray flat = value.reshape(15);
            for (int i = 0; i < 15; i++) {
                double original = flat.getDouble(i);
                flat.putScalar(i, original + 1e-6);
                double plus = regularizer.penalty(value);
                flat.putScalar(i, original - 1e-6);
                double minus = regularizer.penalty(value);
                flat.putScalar(i, original);
                assertThat(gradient.reshape(15).getDouble(i)).as("%s [%d]", regularizer, i)
                        .isCloseTo((plus - minus) / 2e-6, within(1e-7));
            }
        }
    }

    @Test
    void float32GradientsStayFloat32() {
        INDArray w = weights().castTo(DataType.FLOAT);
        INDArray gradient = Nd4j.zeros(DataType.FLOAT, 2, 2);
        new L1L2(0.1, 0.1).addGradient(w, gradient);
        assertThat(gradient.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(Values.of(gradient)).containsExactly(new double[] {-0.4, 0.0, 0.15, 0.5}, within(1e-7));
    }

    // ------------------------------------------------------------------------------------------ names and configs

    @Test
    void plainNamesGiveKerasDocumentedDefaults() {
        assertThat(Regularizers.fromConfig("l1")).isEqualTo(new L1(0.01));
        assertThat(Regularizers.fromConfig("l2")).isEqualTo(new L2(0.01));
        assertThat(Regularizers.fromConfig("l1_l2")).isEqualTo(new L1L2(0.01, 0.01));
        assertThat(Regularizers.fromConfig("L2")).isEqualTo(new L2(0.01));
        assertThat(Regularizers.fromConfig(null)).isNull();
    }

    @Test
    void savedFormsRoundTripAsKerasWritesThem() {
        assertThat(Regularizers.toConfig(new L2(0.1))).isEqualTo(Map.of("class_name", "L2", "config",
                Map.of("l2", 0.1)));
        assertThat(Regularizers.toConfig(new L1L2(0.1, 0.2)).toString())
                .isEqualTo("{class_name=L1L2, config={l1=0.1, l2=0.2}}");
        assertThat(Regularizers.toConfig(null)).isNull();
        for (Regularizer regularizer : new Regularizer[] {new L1(0.1), new L2(0.1), new L1L2(0.1, 0.2)}) {
            assertThat(Regularizers.fromConfig(Regularizers.toConfig(regularizer))).isEqualTo(regularizer);
        }
    }

    @Test
    void missingOrNullFactorsTakeTheClassDefaults() {
        // Keras: L1() and L2() default to 0.01, L1L2() to 0 and 0; None takes the default; extra outer keys ignored
        assertThat(Regularizers.fromConfig(Map.of("class_name", "L1"))).isEqualTo(new L1(0.01));
        Map<String, Object> nullFactor = new LinkedHashMap<>();
        nullFactor.put("l2", null);
        assertThat(Regularizers.fromConfig(Map.of("class_name", "L2", "config", nullFactor, "module",
                "keras.regularizers"))).isEqualTo(new L2(0.01));
        assertThat(Regularizers.fromConfig(Map.of("class_name", "L1L2", "config", Map.of("l2", 0.5))))
                .isEqualTo(new L1L2(0.0, 0.5));
    }

    @Test
    void aVerySmallAndAVeryLargeFactorAreValid() {
        assertThat(new L2(1e-10).l2()).isEqualTo(1e-10);
        assertThat(new L1(1e6).l1()).isEqualTo(1e6);
        assertThat(new L1L2(0, 0).config()).isEqualTo(Map.of("l1", 0.0, "l2", 0.0));
    }

    // ------------------------------------------------------------------------------------------------- errors

    @Test
    void badFactorsAreRefusedNamingTheArgument() {
        assertThatThrownBy(() -> new L2(-0.001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("L2 l2: expected a finite number at least 0, found -0.001");
        assertThatThrownBy(() -> new L1(Double.NaN))
                .hasMessage("L1 l1: expected a finite number at least 0, found NaN");
        assertThatThrownBy(() -> new L1L2(0.1, Double.POSITIVE_INFINITY))
                .hasMessage("L1L2 l2: expected a finite number at least 0, found Infinity");
        assertThatThrownBy(() -> new L1L2(Double.NEGATIVE_INFINITY, 0.1))
                .hasMessage("L1L2 l1: expected a finite number at least 0, found -Infinity");
        assertThatThrownBy(() -> Regularizers.fromConfig(Map.of("class_name", "L2", "config", Map.of("l2", -1))))
                .hasMessage("L2 l2: expected a finite number at least 0, found -1.0");
    }

    @Test
    void badNamesAndConfigsAreRefused() {
        assertThatThrownBy(() -> Regularizers.fromConfig("typo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("regularizer: unknown regularizer 'typo'; known: l1, l2, l1_l2 (or their class names: L1,"
                        + " L2, L1L2)");
        assertThatThrownBy(() -> Regularizers.fromConfig(0.01))
                .hasMessage("regularizer: expected a name such as 'l2', an object {class_name, config} or null,"
                        + " found 0.01");
        assertThatThrownBy(() -> Regularizers.fromConfig(Map.of("class_name", "L2", "config", Map.of("l2", "big"))))
                .hasMessage("L2 l2: expected a number, found 'big'");
        assertThatThrownBy(() -> Regularizers.fromConfig(Map.of("class_name", "L2", "config", Map.of("l1", 0.1))))
                .hasMessage("L2 config: expected only l2, found 'l1'");
        assertThatThrownBy(() -> Regularizers.fromConfig(Map.of("class_name", "L1", "config", "l1")))
                .hasMessage("L1 config: expected an object, found 'l1'");
    }

    private static INDArray random(long rows, long columns) {
        Random random = new Random(3);
        double[] values = new double[Math.toIntExact(rows * columns)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 2 - 1;
        }
        return Nd4j.create(values, new long[] {rows, columns}, 'c').castTo(DataType.FLOAT);
    }
}

package dev.rnn4j.core.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Parameter;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.Values;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Keras's clipnorm, global_clipnorm and clipvalue, on every optimizer, before its update. */
class GradientClippingTest {

    private static Parameter parameter(double... gradient) {
        return new Parameter("w", Nd4j.zeros(DataType.DOUBLE, gradient.length),
                Nd4j.create(gradient, new long[] {gradient.length}, 'c'));
    }

    private static void assertValues(double[] actual, double... expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).isCloseTo(expected[i], within(1e-12));
        }
    }

    /** Keras's {@code optimizer_test.py}: {@code test_clip_norm} and {@code test_clip_value}, gradient [100, 100]. */
    @Test
    void clippingMatchesKerasOptimizerTest() {
        Parameter byNorm = parameter(100, 100);
        new SGD(1.0).clipnorm(1).step(List.of(byNorm), TestSupport.BACKEND);
        assertValues(Values.of(byNorm.gradient()), Math.sqrt(2) / 2, Math.sqrt(2) / 2);
        // SGD with rate 1 from 0: the weight is minus the clipped gradient
        assertValues(Values.of(byNorm.value()), -Math.sqrt(2) / 2, -Math.sqrt(2) / 2);

        Parameter byValue = parameter(100, 100);
        new SGD(1.0).clipvalue(1).step(List.of(byValue), TestSupport.BACKEND);
        assertValues(Values.of(byValue.gradient()), 1, 1);
    }

    @Test
    void clipnormIsPerParameterAndGlobalClipnormIsOverAll() {
        Parameter a = parameter(3, 4);
        Parameter b = parameter(0, 0.5);
        new SGD(0.1).clipnorm(1).step(List.of(a, b), TestSupport.BACKEND);
        assertValues(Values.of(a.gradient()), 0.6, 0.8);
        assertValues(Values.of(b.gradient()), 0, 0.5); // under the norm: unchanged

        Parameter c = parameter(3, 4);
        Parameter d = parameter(0, 12);
        new Adam(0.1).globalClipnorm(2.6).step(List.of(c, d), TestSupport.BACKEND); // global norm 13: scale 0.2
        assertValues(Values.of(c.gradient()), 0.6, 0.8);
        assertValues(Values.of(d.gradient()), 0, 2.4);

        Parameter e = parameter(3, -4, 0.2);
        new RMSprop(0.1).clipvalue(0.5).step(List.of(e), TestSupport.BACKEND);
        assertValues(Values.of(e.gradient()), 0.5, -0.5, 0.2);
    }

    @Test
    void clippingIsSavedInTheConfigAndReadBack() {
        SGD sgd = (SGD) new SGD(0.05).clipnorm(2.5);
        assertThat(sgd.config()).containsEntry("clipnorm", 2.5);
        assertThat(SGD.fromConfig(sgd.config()).config()).isEqualTo(sgd.config());
        Adam adam = (Adam) new Adam(0.01).globalClipnorm(1.0);
        assertThat(Adam.fromConfig(adam.config()).config()).containsEntry("global_clipnorm", 1.0);
        RMSprop rms = (RMSprop) new RMSprop(0.01).clipvalue(0.3);
        assertThat(RMSprop.fromConfig(rms.config()).config()).containsEntry("clipvalue", 0.3);
        assertThat(new SGD(0.05).config()).doesNotContainKeys("clipnorm", "global_clipnorm", "clipvalue");
    }

    @Test
    void badClippingIsNamed() {
        assertThatThrownBy(() -> new SGD(0.1).clipnorm(0)).hasMessage("SGD clipnorm: expected a positive finite"
                + " value, found 0.0");
        assertThatThrownBy(() -> new Adam(0.1).clipnorm(1).clipvalue(2)).hasMessage("Adam clipvalue: only one of"
                + " clipnorm, global_clipnorm and clipvalue can be set, found clipnorm 1.0");
    }
}

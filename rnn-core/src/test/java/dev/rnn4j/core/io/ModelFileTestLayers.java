package dev.rnn4j.core.io;

import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.layers.AbstractLayer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A user layer defined outside rnn4j, and a {@link LayerProvider} offering it, for the model file tests. */
public final class ModelFileTestLayers {
    /** The type name the provider offers. */
    public static final String PROVIDED_TYPE = "ProvidedScale";

    private ModelFileTestLayers() {
    }

    /** {@code y = x * gamma} over the last axis of {@code [batch, features]}; one parameter {@code gamma [features]}. */
    public static final class Scale extends AbstractLayer {
        private final String typeName;
        private final double initial;
        private final boolean failConfig;
        private INDArray gamma;
        private INDArray lastInput;

        /**
         * @param typeName   the type name it saves under
         * @param initial    the initial value of every gamma
         * @param failConfig whether {@link #config()} throws, to make saving fail half-way
         */
        public Scale(String typeName, double initial, boolean failConfig) {
            this.typeName = typeName;
            this.initial = initial;
            this.failConfig = failConfig;
        }

        /** @return a factory for {@link LayerRegistry} */
        public static Function<Map<String, Object>, Layer> factory(String typeName) {
            return config -> {
                Object initial = config.get("initial");
                if (!(initial instanceof Number number)) {
                    throw new IllegalArgumentException("initial: expected a number, found " + initial);
                }
                return new Scale(typeName, number.doubleValue(), false);
            };
        }

        @Override
        public String typeName() {
            return typeName;
        }

        @Override
        public Shape outputShape(Shape inputShape) {
            requireRank(inputShape, 1, "[batch, features]");
            return inputShape;
        }

        @Override
        public long countParams(Shape inputShape) {
            return inputShape.last();
        }

        @Override
        public Map<String, Object> config() {
            if (failConfig) {
                throw new IllegalStateException("Scale.config failed on purpose");
            }
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("initial", initial);
            return config;
        }

        @Override
        protected void buildInternal(Shape inputShape) {
            gamma = addWeight("gamma", new int[] {inputShape.last()}, Initializers.constant(initial));
        }

        @Override
        protected INDArray forwardInternal(INDArray input, boolean training) {
            lastInput = input;
            return input.mulRowVector(gamma.reshape(1, gamma.length()));
        }

        @Override
        protected INDArray backwardInternal(INDArray outputGradient, boolean needInputGradient) {
            parameter("gamma").gradient().assign(outputGradient.mul(lastInput).sum(0));
            return needInputGradient ? outputGradient.mulRowVector(gamma.reshape(1, gamma.length())) : null;
        }
    }

    /** Offers {@link #PROVIDED_TYPE}; found by {@link java.util.ServiceLoader} when a services file names it. */
    public static final class Provider implements LayerProvider {
        /** Needed by {@link java.util.ServiceLoader}. */
        public Provider() {
        }

        @Override
        public Map<String, Function<Map<String, Object>, Layer>> layers() {
            return Map.of(PROVIDED_TYPE, Scale.factory(PROVIDED_TYPE));
        }
    }
}

package dev.rnn4j.examples.indrnn;

import dev.rnn4j.api.Shape;
import dev.rnn4j.core.io.LayerRegistry;
import dev.rnn4j.core.layers.RNN;
import dev.rnn4j.core.testkit.LayerContractTest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The guide's cell through the contract kit, in an RNN layer: gradients, config, model file, every feature. */
class IndRNNCellTest extends LayerContractTest<RNN> {
    static {
        LayerRegistry.registerCell("IndRNNCell", config -> new IndRNNCell(((Number) config.get("units")).intValue()));
    }

    @Override
    protected RNN createLayer() {
        return new RNN(new IndRNNCell(3), false);
    }

    @Override
    protected Shape inputShape() {
        return Shape.of(5, 2);
    }

    @Override
    protected Map<String, Supplier<RNN>> variants() {
        Map<String, Supplier<RNN>> variants = new LinkedHashMap<>();
        variants.put("sequences_backwards", () -> new RNN(new IndRNNCell(2), RNN.options().returnSequences(true)
                .goBackwards(true)));
        return variants;
    }
}

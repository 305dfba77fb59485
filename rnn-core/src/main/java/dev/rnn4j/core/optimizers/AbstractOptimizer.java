package dev.rnn4j.core.optimizers;

import dev.rnn4j.api.Backend;
import dev.rnn4j.api.Optimizer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.core.ConfigValues;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * What every optimizer keeps besides its slots: the learning rate (checked, settable for schedules) and the number of
 * steps taken (restorable for resumed training), and Keras's gradient clipping: {@link #clipnorm} (each gradient's norm),
 * {@link #globalClipnorm} (the norm of all gradients together) or {@link #clipvalue} (each element), at most one of
 * them. A subclass calls {@link #clip} at the start of each step and {@link #countStep()} at its end, writes
 * {@link #putClipping} into its config and reads it back with {@link #readClipping}.
 */
public abstract class AbstractOptimizer implements Optimizer {
    private double learningRate;
    private long iterations;
    private double clipnorm;
    private double globalClipnorm;
    private double clipvalue;

    /**
     * @param learningRate a positive, finite rate
     */
    protected AbstractOptimizer(double learningRate) {
        setLearningRate(learningRate);
    }

    @Override
    public final double learningRate() {
        return learningRate;
    }

    @Override
    public final void setLearningRate(double learningRate) {
        if (!(learningRate > 0.0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException(name() + " learning_rate: expected a positive finite value, found "
                    + learningRate);
        }
        this.learningRate = learningRate;
    }

    @Override
    public final long iterations() {
        return iterations;
    }

    @Override
    public final void restoreIterations(long iterations) {
        if (iterations < 0) {
            throw new IllegalArgumentException(name() + " iterations: expected at least 0, found " + iterations);
        }
        this.iterations = iterations;
    }

    /**
     * Keras's {@code clipnorm}: before each step, a parameter's gradient whose L2 norm exceeds {@code clipnorm} is
     * scaled down to that norm.
     *
     * @param clipnorm a positive finite norm
     * @return this
     */
    public final AbstractOptimizer clipnorm(double clipnorm) {
        this.clipnorm = checkClip("clipnorm", clipnorm);
        return this;
    }

    /**
     * Keras's {@code global_clipnorm}: before each step, when the L2 norm of all gradients together exceeds it, every
     * gradient is scaled by {@code globalClipnorm / norm}.
     *
     * @param globalClipnorm a positive finite norm
     * @return this
     */
    public final AbstractOptimizer globalClipnorm(double globalClipnorm) {
        this.globalClipnorm = checkClip("global_clipnorm", globalClipnorm);
        return this;
    }

    /**
     * Keras's {@code clipvalue}: before each step, every gradient element is clipped to {@code [-clipvalue, clipvalue]}.
     *
     * @param clipvalue a positive finite bound
     * @return this
     */
    public final AbstractOptimizer clipvalue(double clipvalue) {
        this.clipvalue = checkClip("clipvalue", clipvalue);
        return this;
    }

    private double checkClip(String name, double value) {
        if (!(value > 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name() + " " + name + ": expected a positive finite value, found "
                    + value);
        }
        int set = (clipnorm > 0 ? 1 : 0) + (globalClipnorm > 0 ? 1 : 0) + (clipvalue > 0 ? 1 : 0);
        boolean same = switch (name) {
            case "clipnorm" -> clipnorm > 0;
            case "global_clipnorm" -> globalClipnorm > 0;
            default -> clipvalue > 0;
        };
        if (set > (same ? 1 : 0)) {
            throw new IllegalArgumentException(name() + " " + name + ": only one of clipnorm, global_clipnorm and"
                    + " clipvalue can be set, found " + clippingDescription());
        }
        return value;
    }

    private String clippingDescription() {
        return clipnorm > 0 ? "clipnorm " + clipnorm : globalClipnorm > 0 ? "global_clipnorm " + globalClipnorm
                : "clipvalue " + clipvalue;
    }

    /**
     * Clips the gradients in place as set; does nothing (not a single operation) when no clipping is set.
     *
     * @param parameters the parameters whose gradients the step will use
     * @param backend    computes the norms
     */
    protected final void clip(List<Parameter> parameters, Backend backend) {
        if (clipnorm > 0) {
            for (Parameter parameter : parameters) {
                scaleToNorm(parameter.gradient(), Math.sqrt(backend.sumOfSquares(parameter.gradient())), clipnorm);
            }
        } else if (globalClipnorm > 0) {
            double squares = 0;
            for (Parameter parameter : parameters) {
                squares += backend.sumOfSquares(parameter.gradient());
            }
            double norm = Math.sqrt(squares);
            for (Parameter parameter : parameters) {
                scaleToNorm(parameter.gradient(), norm, globalClipnorm);
            }
        } else if (clipvalue > 0) {
            for (Parameter parameter : parameters) {
                INDArray gradient = parameter.gradient();
                gradient.assign(Transforms.min(Transforms.max(gradient, -clipvalue, false), clipvalue, false));
            }
        }
    }

    /** {@code g * limit / max(norm, limit)}, as Keras's {@code clip_by_norm}. */
    private static void scaleToNorm(INDArray gradient, double norm, double limit) {
        if (norm > limit) {
            gradient.muli(limit / norm);
        }
    }

    /**
     * Writes the clipping that is set into a config, under Keras's names.
     *
     * @param config the optimizer's config
     */
    protected final void putClipping(Map<String, Object> config) {
        if (clipnorm > 0) {
            config.put("clipnorm", clipnorm);
        }
        if (globalClipnorm > 0) {
            config.put("global_clipnorm", globalClipnorm);
        }
        if (clipvalue > 0) {
            config.put("clipvalue", clipvalue);
        }
    }

    /**
     * Sets the clipping a config holds ({@code clipnorm}, {@code global_clipnorm}, {@code clipvalue}; absent or null
     * for none, as Keras writes them).
     *
     * @param optimizer the optimizer rebuilt from the rest of the config
     * @param config    the config
     * @param <T>       the optimizer's type
     * @return the optimizer
     */
    protected static <T extends AbstractOptimizer> T readClipping(T optimizer, Map<String, Object> config) {
        if (config.get("clipnorm") != null) {
            optimizer.clipnorm(ConfigValues.optionalDouble(config, "clipnorm", 0));
        }
        if (config.get("global_clipnorm") != null) {
            optimizer.globalClipnorm(ConfigValues.optionalDouble(config, "global_clipnorm", 0));
        }
        if (config.get("clipvalue") != null) {
            optimizer.clipvalue(ConfigValues.optionalDouble(config, "clipvalue", 0));
        }
        return optimizer;
    }

    /** Records one finished step. */
    protected final void countStep() {
        iterations++;
    }
}

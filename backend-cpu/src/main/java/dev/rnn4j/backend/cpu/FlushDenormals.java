package dev.rnn4j.backend.cpu;

import java.util.Locale;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.mkl.global.mkl_rt;

/**
 * Denormal floats flushed to zero on the threads that compute: the x86 flags FTZ (results too small for a normal
 * float become 0) and DAZ (denormal inputs count as 0) of a thread's MXCSR register, as TensorFlow (so Keras) sets them
 * for its CPU threads.
 *
 * <p>Why: on x86 an operation that meets or makes a denormal float takes a slow path in microcode. Here MKL's 64 x 256
 * x 256 product took 18.5 ms on denormal inputs against 92 us on normal ones (200x), tanh 28x longer. Recurrent
 * networks make them: gradients that vanish through BPTT pass 1e-38 on their way to 0. A SimpleRNN trained with labels
 * that push every logit down ran at 139 ms a step instead of ~10. With the flags set the same product took 84 us.
 * The price: values below ~1.2e-38 (float) or ~2.2e-308 (double) become 0, in the BLAS, the vector math and in Java
 * arithmetic on those threads; nothing a network computes depends on them.
 *
 * <p>How, without a compiled library of our own: glibc's {@code fegetenv} and {@code fesetenv} read and write a
 * thread's whole floating-point environment ({@code fenv_t}, whose last field on x86-64 Linux is MXCSR, at byte 28),
 * and are called through a JavaCPP function pointer of the matching C signature, {@code int (*)(float*)}, that the MKL
 * preset ships ({@code LAPACK_C_SELECT1}). The value read is checked before anything is written (all exception masks
 * set, as the JVM keeps them, and nothing beyond 16 bits): anything else, another OS or CPU, or a missing symbol,
 * leaves the threads as they are, and {@link #failure()} says why. HotSpot keeps a thread's MXCSR across calls into
 * native code, so the backend's helper threads set it once ({@link #onThisThread}); a caller's thread gets it for a
 * step or a set of batch parts only ({@link #enter}, {@link #exit}: three calls into glibc, 0.5 us measured), as its
 * own Java code is the user's.
 */
final class FlushDenormals {
    /** System property: {@code false} keeps IEEE denormals (default {@code true}: flushed to zero). */
    static final String PROPERTY = "rnn4j.flushDenormals";

    private static final int FLUSH_TO_ZERO = 0x8000;
    private static final int DENORMALS_ARE_ZERO = 0x0040;
    /** MXCSR's exception masks (bits 7-12): all set in the JVM's threads. */
    private static final int EXCEPTION_MASKS = 0x1F80;
    /** Room for glibc's x86-64 {@code fenv_t} (32 bytes) twice over, in floats, and where MXCSR sits in it. */
    private static final int ENVIRONMENT_FLOATS = 16;
    private static final int MXCSR_INDEX = 7;

    private static final int FLAGS = FLUSH_TO_ZERO | DENORMALS_ARE_ZERO;
    /** What {@link #enter} returns when it changed nothing. */
    static final int NOT_SET = -1;

    private static final String FAILURE;
    /** {@code fegetenv} and {@code fesetenv}: only read, so shared by the threads. */
    private static final mkl_rt.LAPACK_C_SELECT1 GET;
    private static final mkl_rt.LAPACK_C_SELECT1 SET;
    /** Each thread's {@code fenv_t}. */
    private static final ThreadLocal<FloatPointer> ENVIRONMENT =
            ThreadLocal.withInitial(() -> new FloatPointer(ENVIRONMENT_FLOATS));

    static {
        String failure = null;
        mkl_rt.LAPACK_C_SELECT1 get = null;
        mkl_rt.LAPACK_C_SELECT1 set = null;
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            failure = "only on Linux x86-64 (this is " + os + " " + arch + ")";
        } else {
            try {
                Loader.load(mkl_rt.class);
                Pointer getter = Loader.addressof("fegetenv");
                Pointer setter = Loader.addressof("fesetenv");
                if (getter == null || setter == null) {
                    failure = "fegetenv/fesetenv not found among the loaded libraries";
                } else {
                    get = callable(getter.address());
                    set = callable(setter.address());
                    FloatPointer environment = new FloatPointer(ENVIRONMENT_FLOATS);
                    get.call(environment);
                    int mxcsr = Float.floatToRawIntBits(environment.get(MXCSR_INDEX));
                    if ((mxcsr & EXCEPTION_MASKS) != EXCEPTION_MASKS || (mxcsr & ~0xFFFF) != 0) {
                        failure = "fegetenv's environment is not laid out as expected (MXCSR read as 0x"
                                + Integer.toHexString(mxcsr) + ")";
                    }
                }
            } catch (Throwable error) {
                failure = "the native function pointers could not load: " + error;
            }
        }
        FAILURE = failure;
        GET = get;
        SET = set;
    }

    private FlushDenormals() {
    }

    /** @return why flushing is not available here, or null when it is */
    static String failure() {
        return FAILURE;
    }

    /**
     * @return whether {@value #PROPERTY} asks for flushing (anything but {@code true} or {@code false} is an error
     *         naming the property)
     */
    static boolean wanted() {
        String setting = System.getProperty(PROPERTY);
        if (setting == null || setting.isBlank() || setting.trim().equalsIgnoreCase("true")) {
            return true;
        }
        if (setting.trim().equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalStateException("system property " + PROPERTY + ": expected true or false, found '" + setting
                + "'");
    }

    /**
     * Sets FTZ and DAZ on the calling thread for good (the backend's own helper threads); does nothing where
     * {@link #failure()} is not null.
     *
     * @return whether the thread flushes denormals now
     */
    static boolean onThisThread() {
        return enter() != NOT_SET || flushing();
    }

    /**
     * Sets FTZ and DAZ on the calling thread until {@link #exit}: a caller's thread is the user's, and Java arithmetic
     * on it should stay IEEE outside the backend's work.
     *
     * @return what {@link #exit} needs to put the thread back ({@link #NOT_SET} when nothing was changed)
     */
    static int enter() {
        if (FAILURE != null) {
            return NOT_SET;
        }
        FloatPointer environment = ENVIRONMENT.get();
        GET.call(environment);
        int mxcsr = Float.floatToRawIntBits(environment.get(MXCSR_INDEX));
        if ((mxcsr & FLAGS) == FLAGS || (mxcsr & EXCEPTION_MASKS) != EXCEPTION_MASKS || (mxcsr & ~0xFFFF) != 0) {
            // already set, or not the register as the JVM keeps it (then this class's layout is wrong: write nothing)
            return NOT_SET;
        }
        environment.put(MXCSR_INDEX, Float.intBitsToFloat(mxcsr | FLAGS));
        SET.call(environment);
        return mxcsr;
    }

    /** @param saved what {@link #enter} returned: the thread's flags as they were */
    static void exit(int saved) {
        if (saved == NOT_SET) {
            return;
        }
        FloatPointer environment = ENVIRONMENT.get();
        environment.put(MXCSR_INDEX, Float.intBitsToFloat(saved));
        SET.call(environment);
    }

    /** @return whether the calling thread flushes denormals (FTZ and DAZ set) */
    static boolean flushing() {
        if (FAILURE != null) {
            return false;
        }
        FloatPointer environment = ENVIRONMENT.get();
        GET.call(environment);
        return (Float.floatToRawIntBits(environment.get(MXCSR_INDEX)) & FLAGS) == FLAGS;
    }

    /**
     * @param function the address of a C function {@code int f(float*)}
     * @return a JavaCPP function pointer calling it: its native struct holds the function's address first
     */
    private static mkl_rt.LAPACK_C_SELECT1 callable(long function) {
        LongPointer holder = new LongPointer(2); // kept as long as the function pointer object refers to it
        holder.put(0, function);
        return new mkl_rt.LAPACK_C_SELECT1(holder);
    }
}

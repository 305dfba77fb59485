package dev.rnn4j.backend.cpu;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Backend;
import dev.rnn4j.api.PreparedMatrix;
import dev.rnn4j.api.RecurrencePlan;
import java.nio.FloatBuffer;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.FloatPointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@link Backend} on ND4J's native CPU runtime, with float32 matrix products on Intel MKL or OpenBLAS
 * ({@link CpuBlas}: MKL on Intel CPUs by default).
 *
 * <p>On first use it checks that ND4J loaded the native CPU runtime, sets float32 as ND4J's default type and limits
 * ND4J, OpenBLAS and MKL to one thread each (on a 2-core machine their own two-thread settings were 3-7x slower). The
 * cores are used through the backend's own team of threads ({@link WorkerTeam}): recurrent layers run parts of a batch
 * through all their timesteps side by side ({@link #runParts}), and large float32 matrix products outside them are cut
 * into single-threaded shares (by columns; by rows when the inner dimension is short; along the inner dimension for
 * weight gradients). The system property {@code rnn4j.threads} (1 to {@value #MAX_THREADS}; default one per physical
 * core the process may use) or the constructor chooses. Figures: docs/benchmarks.md.
 *
 * <p>For float32 arrays laid out contiguously, the elementwise operations run as Java loops over bulk copies of the
 * native buffers (tanh as a rational approximation, error below 1e-6), several times faster here than ND4J's own
 * elementwise ops; other arrays (float64 for gradient checks, strided views) use the reference implementations of
 * {@link Backend}.
 */
public final class Nd4jCpuBackend implements Backend {
    /** System property that sets the number of threads for this backend's work (1 to {@value #MAX_THREADS}). */
    public static final String THREADS_PROPERTY = "rnn4j.threads";
    /** The most threads a backend takes. */
    public static final int MAX_THREADS = 256;

    private static final String EXPECTED_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";

    /** Products below this many multiply-adds are not split: the hand-off would cost more than it saves. */
    private static final long SPLIT_MIN_WORK = 1L << 21;
    /**
     * Products with a shorter inner dimension are split by rows, not columns: column halves would both pack the same
     * tall, thin left matrix (the input projection, K = 28 features, took 2.1 ms split by columns against 0.65 ms whole).
     */
    private static final long SPLIT_MIN_DEPTH = 64;
    /** Products with at least this inner dimension (and no larger M or N) are cut along it: weight gradients. */
    private static final long SPLIT_K_MIN_DEPTH = 1024;
    /** Column blocks narrower than this take the Java path for tanh, not one vector-math call per row. */
    private static final int VECTOR_MATH_MIN_ROW = 32;
    /** Split points are multiples of this many columns, to keep the BLAS kernels on full vector widths. */
    private static final int SPLIT_ALIGN = 16;

    private final ThreadLocal<float[][]> scratch = ThreadLocal.withInitial(() -> new float[3][0]);
    private final ThreadLocal<FloatPointer[]> depthScratch = ThreadLocal.withInitial(() -> new FloatPointer[1]);
    private volatile boolean ready;
    /**
     * Whether the threads that compute flush denormal floats to zero ({@link FlushDenormals}): each helper from its
     * start, the calling thread while {@link #runStep} (a model's step) or {@link #runParts} runs;
     * {@value FlushDenormals#PROPERTY}{@code =false} keeps them.
     */
    private boolean flushDenormals;
    /**
     * The thread whose {@link #runParts} the team runs, while it runs: its calls and the helpers' are not split again.
     * Another thread's calls wait for the team (parts may wait on each other, so they must not run one by one).
     */
    private volatile Thread partsCaller;
    private int threads;
    /** The helper threads, or null with one thread. */
    private WorkerTeam team;

    private final int requestedThreads;
    private final CpuBlas requestedBlas;
    private CpuBlas blas;

    /** A backend using the threads that {@value #THREADS_PROPERTY} asks for (default one per physical core). */
    public Nd4jCpuBackend() {
        this(0);
    }

    /**
     * @param threads the threads for this backend's work (1 to {@value #MAX_THREADS}), or 0 for the
     *                {@value #THREADS_PROPERTY} setting
     */
    public Nd4jCpuBackend(int threads) {
        this(threads, null);
    }

    /**
     * @param threads the threads for this backend's work (1 to {@value #MAX_THREADS}), or 0 for the
     *                {@value #THREADS_PROPERTY} setting
     * @param blas    the library for float32 products, or null for the {@value CpuBlas#PROPERTY} setting
     */
    public Nd4jCpuBackend(int threads, CpuBlas blas) {
        if (threads < 0 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads: expected 0 (the " + THREADS_PROPERTY + " setting) or 1 to "
                    + MAX_THREADS + ", found " + threads);
        }
        this.requestedThreads = threads;
        this.requestedBlas = blas;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public void ensureReady() {
        if (ready) {
            return;
        }
        synchronized (this) {
            if (ready) {
                return;
            }
            // Before ND4J loads OpenBLAS: its kernels are chosen when the library loads, and only then.
            OpenBlasKernels.selectBeforeLoading();
            String loaded;
            try {
                loaded = Nd4j.getBackend().getClass().getName();
            } catch (Throwable failure) {
                throw new IllegalStateException("rnn4j cpu backend: ND4J could not load its native CPU runtime "
                        + "(org.nd4j:nd4j-native-platform): " + failure
                        + ". Build with the cpu Maven profile (the default) on linux-x86_64.", failure);
            }
            if (!EXPECTED_BACKEND.equals(loaded)) {
                throw new IllegalStateException("rnn4j cpu backend: expected ND4J's native CPU runtime ("
                        + EXPECTED_BACKEND + ") but ND4J loaded " + loaded
                        + ". Build with the cpu Maven profile (mvn -Pcpu ...) and keep nd4j-cuda jars off the"
                        + " classpath, or bind CudaBackendModule and build with -Pcuda.");
            }
            threads = requestedThreads > 0 ? requestedThreads : threadsSetting();
            CpuBlas chosen = requestedBlas != null ? requestedBlas : CpuBlas.fromSetting();
            if (chosen == CpuBlas.MKL && CpuBlas.mklFailure() != null) {
                throw new IllegalStateException("rnn4j cpu backend: Intel MKL could not load ("
                        + CpuBlas.mklFailure() + "); choose CpuBlas.OPENBLAS");
            }
            blas = chosen;
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
            Nd4j.getEnvironment().setMaxThreads(1);
            Nd4j.getEnvironment().setMaxMasterThreads(1);
            Nd4j.factory().blas().setMaxThreads(1);
            flushDenormals = FlushDenormals.wanted() && FlushDenormals.failure() == null;
            team = threads > 1 ? new WorkerTeam(threads, flushDenormals ? FlushDenormals::onThisThread : () -> { })
                    : null;
            ready = true;
        }
    }

    @Override
    public String describe() {
        ensureReady();
        int cores = physicalCores();
        return "backend cpu: ND4J native " + Nd4j.getBackend().getClass().getSimpleName()
                + ", products" + (blas.hasVectorMath() ? " and tanh" : "") + " on " + blas.describe()
                + ", ND4J ops on " + Nd4j.factory().blas().getBlasVendor()
                + ", OpenBLAS kernels " + OpenBlasKernels.selectBeforeLoading()
                + ", CPU " + CpuBlas.cpuVendor() + " SIMD " + cpuSimd()
                + (threads > 1 ? ", threads " + threads + " (recurrences in up to " + threads
                        + " batch parts, large products split " + threads + " ways; ND4J and the BLAS 1 each)"
                        : ", threads 1 (ND4J and the BLAS single-threaded)")
                + " of " + Runtime.getRuntime().availableProcessors() + " processors"
                + (cores > 0 ? " (" + cores + " physical cores)" : "")
                + (flushDenormals ? ", denormals flushed to zero"
                        : FlushDenormals.failure() != null ? ", denormals kept (flushing " + FlushDenormals.failure()
                                + ")" : ", denormals kept (" + FlushDenormals.PROPERTY + "=false)");
    }

    /**
     * @return the {@value #THREADS_PROPERTY} setting, or by default one thread per physical core this process may use
     * @throws IllegalStateException when the setting is not a whole number from 1 to {@value #MAX_THREADS}
     */
    static int threadsSetting() {
        String setting = System.getProperty(THREADS_PROPERTY);
        if (setting == null || setting.isBlank()) {
            return defaultThreads(Runtime.getRuntime().availableProcessors(), physicalCores());
        }
        try {
            int value = Integer.parseInt(setting.trim());
            if (value >= 1 && value <= MAX_THREADS) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalStateException("system property " + THREADS_PROPERTY + ": expected a whole number from 1 to "
                + MAX_THREADS + ", found \"" + setting + "\"");
    }

    /**
     * @param available the processors the JVM may use (cgroup limits and affinity included; hyperthreads count)
     * @param physical  the machine's physical cores, or 0 when unknown
     * @return the default thread count: one per physical core, never more than the processors available. Two
     *         hyperthreads of one core share its vector units, and the products here keep those units busy
     */
    static int defaultThreads(int available, int physical) {
        int threads = physical > 0 ? Math.min(available, physical) : available;
        return Math.max(1, Math.min(threads, MAX_THREADS));
    }

    /**
     * @return the distinct (physical id, core id) pairs in /proc/cpuinfo among the processors this process may run
     *         on (Cpus_allowed_list of /proc/self/status), or 0 when cpuinfo does not say
     */
    static int physicalCores() {
        java.util.BitSet allowed = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    allowed = cpuList(line.substring(line.indexOf(':') + 1));
                }
            }
        } catch (Exception unreadable) {
            allowed = null;
        }
        try {
            return physicalCores(Files.readAllLines(Path.of("/proc/cpuinfo")), allowed);
        } catch (Exception unreadable) {
            return 0;
        }
    }

    /**
     * @param list a Linux CPU list such as {@code 0-3,8,10-11}
     * @return its processors, or null when it cannot be read
     */
    static java.util.BitSet cpuList(String list) {
        java.util.BitSet cpus = new java.util.BitSet();
        try {
            for (String range : list.trim().split(",")) {
                int dash = range.indexOf('-');
                int from = Integer.parseInt(range.substring(0, dash < 0 ? range.length() : dash).trim());
                int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1).trim());
                cpus.set(from, to + 1);
            }
        } catch (RuntimeException unreadable) {
            return null;
        }
        return cpus;
    }

    /**
     * @param cpuinfo the lines of /proc/cpuinfo
     * @param allowed the processors to count, or null for all
     * @return the distinct (physical id, core id) pairs of those processors, or 0 when no processor names its core
     */
    static int physicalCores(java.util.List<String> cpuinfo, java.util.BitSet allowed) {
        java.util.Set<String> cores = new java.util.HashSet<>();
        String socket = "0";
        boolean counted = true;
        for (String line : cpuinfo) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("processor")) {
                socket = "0";
                try {
                    counted = allowed == null || allowed.get(Integer.parseInt(value));
                } catch (NumberFormatException unnumbered) {
                    counted = true;
                }
            } else if (key.equals("physical id")) {
                socket = value;
            } else if (key.equals("core id") && counted) {
                cores.add(socket + ":" + value);
            }
        }
        return cores.size();
    }

    /** @return the widest x86 vector extension the CPU reports in /proc/cpuinfo, or "unknown" */
    static String cpuSimd() {
        try {
            String info = Files.readString(Path.of("/proc/cpuinfo")).toLowerCase(Locale.ROOT);
            int flags = info.indexOf("\nflags");
            String line = flags < 0 ? info : info.substring(flags, info.indexOf('\n', flags + 1));
            if (line.contains(" avx512f")) {
                return "AVX-512";
            }
            if (line.contains(" avx2")) {
                return "AVX2";
            }
            if (line.contains(" avx")) {
                return "AVX";
            }
            return line.contains(" sse4_2") ? "SSE4.2" : "baseline";
        } catch (Exception unreadable) {
            return "unknown (" + System.getProperty("os.arch") + ")";
        }
    }

    @Override
    public INDArray zeros(DataType type, long... shape) {
        ensureReady();
        return Nd4j.zeros(type, shape);
    }

    /**
     * Float32 matrices laid out contiguously go straight to the BLAS's {@code cblas_sgemm} on the arrays' own memory
     * (about 15-25 us less per call than {@code Nd4j.gemm}, which matters at 84 small products per training step);
     * everything else takes ND4J's path.
     */
    @Override
    public void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
            double beta) {
        ensureReady();
        if (!fast(a, b, c) || a.rank() != 2 || b.rank() != 2 || c.rank() != 2) {
            Backend.super.gemm(a, b, c, transposeA, transposeB, alpha, beta);
            return;
        }
        long m = transposeA ? a.size(1) : a.size(0);
        long k = transposeA ? a.size(0) : a.size(1);
        long kb = transposeB ? b.size(1) : b.size(0);
        long n = transposeB ? b.size(0) : b.size(1);
        if (k != kb || c.size(0) != m || c.size(1) != n) {
            throw new IllegalArgumentException("gemm: cannot multiply " + java.util.Arrays.toString(a.shape())
                    + (transposeA ? "^T" : "") + " by " + java.util.Arrays.toString(b.shape()) + (transposeB ? "^T" : "")
                    + " into " + java.util.Arrays.toString(c.shape()));
        }
        int lda = leading(a);
        int ldb = leading(b);
        int ldc = leading(c);
        if (contiguousC(c) && k >= SPLIT_K_MIN_DEPTH && k >= Math.max(m, n) && m * n * k >= SPLIT_MIN_WORK) {
            gemmSplitDepth(transposeA, transposeB, (int) m, (int) n, (int) k, alpha, a, lda, b, ldb, beta, c);
            return;
        }
        boolean splitRows = k < SPLIT_MIN_DEPTH || n < 2 * SPLIT_ALIGN;
        int shares = team == null || inParts() ? 1
                : shares(m * n * k, (splitRows ? m : n) / SPLIT_ALIGN);
        if (shares < 2) {
            blas.sgemm(transposeA, transposeB, (int) m, (int) n, (int) k, alpha, pointer(a), 0, lda, pointer(b), 0, ldb,
                    beta, pointer(c), 0, ldc);
            return;
        }
        if (splitRows) {
            // A short inner dimension (the input projection, K = 28): split the rows of C instead, so that each share
            // packs only its own rows of A and the small B once more.
            team.run(shares, i -> {
                int top = Backend.partStart((int) m, shares, i);
                int rows = Backend.partStart((int) m, shares, i + 1) - top;
                blas.sgemm(transposeA, transposeB, rows, (int) n, (int) k, alpha, pointer(a),
                        transposeA ? top : (long) top * lda, lda, pointer(b), 0, ldb, beta, pointer(c),
                        (long) top * ldc, ldc);
            });
            return;
        }
        // Single-threaded products on column blocks of C, C[:, from:to], split at multiples of SPLIT_ALIGN. Each output
        // element is the same dot product as without the split, so results do not depend on it.
        team.run(shares, i -> {
            int from = alignedStart((int) n, shares, i);
            int columns = alignedStart((int) n, shares, i + 1) - from;
            blas.sgemm(transposeA, transposeB, (int) m, columns, (int) k, alpha, pointer(a), 0, lda, pointer(b),
                    transposeB ? (long) from * ldb : from, ldb, beta, pointer(c), from, ldc);
        });
    }

    /**
     * @param work   the product's multiply-adds
     * @param blocks the most shares its shape allows
     * @return how many threads a product outside the recurrent parts is split over: as many as the backend has, the
     *         shape allows and keep at least half of {@link #SPLIT_MIN_WORK} each; below 2 it runs whole
     */
    private int shares(long work, long blocks) {
        if (work < SPLIT_MIN_WORK) {
            return 1;
        }
        return (int) Math.max(1, Math.min(Math.min(threads, blocks), work / (SPLIT_MIN_WORK / 2)));
    }

    /** @return the start of share {@code share} of {@code length} cut in {@code shares}, a multiple of the alignment */
    private static int alignedStart(int length, int shares, int share) {
        return share >= shares ? length : (int) ((long) length * share / shares / SPLIT_ALIGN * SPLIT_ALIGN);
    }

    @Override
    public PreparedMatrix prepare(INDArray b, boolean transposeB, long rows, PreparedMatrix reuse) {
        ensureReady();
        if (!blas.hasPacking() || !fast(b) || b.rank() != 2 || rows < 1 || rows > Integer.MAX_VALUE) {
            return Backend.super.prepare(b, transposeB, rows, reuse);
        }
        int m = (int) rows;
        int k = Math.toIntExact(transposeB ? b.size(1) : b.size(0));
        int n = Math.toIntExact(transposeB ? b.size(0) : b.size(1));
        Packed packed = reuse instanceof Packed old && old.m == m && old.n == n && old.k == k ? old
                : new Packed(m, n, k, blas.packedSize(m, n, k));
        packed.matrix = b;
        packed.transposed = transposeB;
        blas.pack(transposeB, m, n, k, pointer(b), leading(b), packed.buffer);
        return packed;
    }

    @Override
    public void gemm(INDArray a, PreparedMatrix b, INDArray c, double beta) {
        ensureReady();
        if (!(b instanceof Packed packed) || !fast(a, c) || a.rank() != 2 || c.rank() != 2) {
            Backend.super.gemm(a, b, c, beta);
            return;
        }
        if (a.size(0) != packed.m || a.size(1) != packed.k || c.size(0) != packed.m || c.size(1) != packed.n) {
            throw new IllegalArgumentException("gemm: the prepared matrix serves " + packed.m + "x" + packed.k
                    + " by " + packed.k + "x" + packed.n + " products, found " + java.util.Arrays.toString(a.shape())
                    + " into " + java.util.Arrays.toString(c.shape()));
        }
        blas.computePacked(packed.m, packed.n, packed.k, pointer(a), leading(a), packed.buffer, beta, pointer(c),
                leading(c));
    }

    /** A right operand in MKL's packed layout, for products with {@code m} rows. */
    private static final class Packed implements PreparedMatrix {
        final int m;
        final int n;
        final int k;
        final FloatPointer buffer;
        INDArray matrix;
        boolean transposed;

        Packed(int m, int n, int k, long bytes) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.buffer = new FloatPointer((bytes + Float.BYTES - 1) / Float.BYTES);
        }

        @Override
        public INDArray matrix() {
            return matrix;
        }

        @Override
        public boolean transposed() {
            return transposed;
        }

        @Override
        public long rows() {
            return m;
        }
    }

    /**
     * A weight gradient (a sum over all timesteps and samples, K in the thousands): all row or column shares would pack
     * the same long operand, so the inner dimension is cut instead, in two (or one piece per thread with more than two,
     * each at least {@code SPLIT_K_MIN_DEPTH / 2} deep). The first piece accumulates into C, the others go to scratch
     * matrices that are then added in order: with several threads the pieces run side by side, with one thread (or
     * inside a part) one after the other, the same operations either way, so with up to two threads the result does
     * not depend on the thread count.
     */
    private void gemmSplitDepth(boolean transposeA, boolean transposeB, int m, int n, int k, double alpha, INDArray a,
            int lda, INDArray b, int ldb, double beta, INDArray c) {
        int pieces = (int) Math.max(2, Math.min(threads, k / (SPLIT_K_MIN_DEPTH / 2)));
        int ldc = n;
        long size = (long) m * n;
        FloatPointer partials = depthScratch((pieces - 1) * size);
        IntConsumer piece = i -> {
            int from = alignedStart(k, pieces, i);
            int depth = alignedStart(k, pieces, i + 1) - from;
            long offsetA = transposeA ? (long) from * lda : from;
            long offsetB = transposeB ? from : (long) from * ldb;
            if (i == 0) {
                blas.sgemm(transposeA, transposeB, m, n, depth, alpha, pointer(a), 0, lda, pointer(b), 0, ldb, beta,
                        pointer(c), 0, ldc);
            } else {
                // A pointer of its own: sgemm moves the position of the pointers it is given.
                blas.sgemm(transposeA, transposeB, m, n, depth, alpha, pointer(a), offsetA, lda, pointer(b), offsetB,
                        ldb, 0.0, new FloatPointer(partials), (i - 1) * size, n);
            }
        };
        if (team == null || inParts()) {
            for (int i = 0; i < pieces; i++) {
                piece.accept(i);
            }
        } else {
            team.runEach(pieces, piece);
        }
        for (int i = 1; i < pieces; i++) {
            blas.saxpy(Math.toIntExact(size), 1f, new FloatPointer(partials).position((i - 1) * size), pointer(c));
        }
    }

    /**
     * Scratch for {@link #gemmSplitDepth}, one per calling thread: the thread that takes it waits for the pieces that
     * write it, so two threads never share one.
     */
    private FloatPointer depthScratch(long length) {
        FloatPointer[] slot = depthScratch.get();
        if (slot[0] == null || slot[0].capacity() < length) {
            slot[0] = new FloatPointer(Math.max(length, 1L << 16));
        }
        return slot[0].position(0);
    }

    @Override
    public int parallelism() {
        ensureReady();
        return threads;
    }

    /** The fewest samples a part of a recurrent batch gets; smaller batches run in fewer parts. */
    static final int MIN_PART_ROWS = 16;
    /** The fewest samples a part gets when a batch is cut into more parts than threads. */
    static final int CHAIN_ROWS = 64;
    /** The inner dimension a piece of the backward pass's weight-gradient products aims at. */
    static final int PIECE_ROWS = 256;

    /**
     * One part per thread (at least {@value #MIN_PART_ROWS} samples each), or twice as many where each still gets
     * {@value #CHAIN_ROWS} samples (large batches, as in inference), so that a thread ahead can take steps of a part
     * behind ({@link Chains}); backward pieces of enough steps for {@value #PIECE_ROWS} rows of the weight gradients'
     * inner dimension (4 steps for parts of 64; pieces of 2, 4 and 7 steps measured alike), which a thread done with
     * its own part early takes from the other ({@link ChainsThenPieces}).
     */
    @Override
    public RecurrencePlan planRecurrence(int rows, int steps) {
        ensureReady();
        int parts = threads > 1 && rows / (2 * threads) >= CHAIN_ROWS ? 2 * threads
                : Math.max(1, Math.min(threads, rows / MIN_PART_ROWS));
        if (parts == 1) {
            return RecurrencePlan.single(rows, steps);
        }
        int partRows = rows / parts;
        return RecurrencePlan.even(rows, steps, parts, Math.max(1, (PIECE_ROWS + partRows - 1) / partRows));
    }

    /** The parts as chains of steps on the team's threads, shared out while they run ({@link Chains}). */
    @Override
    public void runRecurrence(RecurrencePlan plan, int steps, RecurrencePlan.StepWork work) {
        ensureReady();
        Chains.run(this, threads, plan.parts(), steps, work::run);
    }

    /** Each part's chain on its thread, pieces on whichever thread is free ({@link ChainsThenPieces}). */
    @Override
    public void runRecurrenceBackward(RecurrencePlan plan, RecurrencePlan.ChainWork chain,
            RecurrencePlan.PieceWork piece) {
        ensureReady();
        ChainsThenPieces.run(this, threads, plan.parts(), plan.pieceNeeds(), chain::run, piece::run);
    }

    /** Flushes denormals to zero on the calling thread while {@code work} runs ({@link FlushDenormals}). */
    @Override
    public <T> T runStep(java.util.function.Supplier<T> work) {
        ensureReady();
        int saved = flushDenormals ? FlushDenormals.enter() : FlushDenormals.NOT_SET;
        try {
            return work.get();
        } finally {
            FlushDenormals.exit(saved);
        }
    }

    /**
     * With several threads, thread {@code j} of the team (the calling thread is 0) runs parts {@code j, j + T, ...};
     * every call made from inside a part runs single-threaded (no nested split). With one thread, parts run in order.
     */
    @Override
    public void runParts(int parts, IntConsumer part) {
        ensureReady();
        // The calling thread flushes denormals while the parts run, then is put back (its Java code is the user's).
        int saved = flushDenormals ? FlushDenormals.enter() : FlushDenormals.NOT_SET;
        try {
            if (team == null || inParts() || parts <= 1) {
                Backend.super.runParts(parts, part);
                return;
            }
            // The team's monitor (its run is synchronized): a second caller waits here until the first is done.
            synchronized (team) {
                partsCaller = Thread.currentThread();
                try {
                    team.runEach(parts, part);
                } finally {
                    partsCaller = null;
                }
            }
        } finally {
            FlushDenormals.exit(saved);
        }
    }

    /** @return whether the calling thread runs inside {@link #runParts}: the caller's thread or a helper */
    private boolean inParts() {
        Thread current = Thread.currentThread();
        return partsCaller == current || (partsCaller != null && team.isHelper(current));
    }

    /** @return the library running this backend's float32 products */
    public CpuBlas blas() {
        ensureReady();
        return blas;
    }

    /** @return a new pointer to an array's first element ({@link NativeBuffers}: its allocation's address, kept) */
    private static FloatPointer pointer(INDArray array) {
        return NativeBuffers.pointer(array);
    }

    @Override
    public void activation(ActivationFunction function, INDArray x, INDArray out) {
        ensureReady();
        boolean softmaxRows = function == ActivationFunction.SOFTMAX && x.rank() == 2;
        if (!fast(x, out) || (function == ActivationFunction.SOFTMAX && !softmaxRows)) {
            Backend.super.activation(function, x, out);
            return;
        }
        if (function == ActivationFunction.TANH && blas.hasVectorMath() && vectorTanh(x, out)) {
            return;
        }
        int length = Math.toIntExact(x.length());
        float[] values = read(x, 0, length);
        switch (function) {
            case LINEAR -> { }
            case SOFTMAX -> softmaxRows(values, Math.toIntExact(x.size(0)), Math.toIntExact(x.size(1)));
            case TANH -> FastTanh.tanhInPlace(values, length);
            case RELU -> {
                for (int i = 0; i < length; i++) {
                    values[i] = Math.max(values[i], 0f);
                }
            }
            case SIGMOID -> FastTanh.sigmoidInPlace(values, length);
            default -> throw new AssertionError(function);
        }
        write(values, length, out);
    }

    /**
     * tanh with MKL's vector math straight on the native memory: one call for contiguous arrays, one per row for
     * column blocks laid out alike (as wide as {@link #VECTOR_MATH_MIN_ROW} at least: per call costs ~0.1 us).
     *
     * @return false where the layouts do not allow it (the caller takes the Java path)
     */
    private boolean vectorTanh(INDArray x, INDArray out) {
        if (contiguousC(x) && contiguousC(out)) {
            blas.tanh(Math.toIntExact(x.length()), pointer(x), pointer(out));
            return true;
        }
        if (x.rank() != 2 || out.rank() != 2 || x.size(1) < VECTOR_MATH_MIN_ROW) {
            return false;
        }
        int rows = Math.toIntExact(x.size(0));
        int columns = Math.toIntExact(x.size(1));
        int from = leading(x);
        int to = leading(out);
        FloatPointer source = pointer(x);
        FloatPointer target = pointer(out);
        long sourceStart = source.position();
        long targetStart = target.position();
        for (int r = 0; r < rows; r++) {
            blas.tanh(columns, source.position(sourceStart + (long) r * from),
                    target.position(targetStart + (long) r * to));
        }
        return true;
    }

    /** Row-wise softmax, stable: the row maximum is subtracted before exponentiating; sums in double. */
    private static void softmaxRows(float[] values, int rows, int columns) {
        for (int r = 0; r < rows; r++) {
            int base = r * columns;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < columns; c++) {
                max = Math.max(max, values[base + c]);
            }
            double sum = 0;
            for (int c = 0; c < columns; c++) {
                double exponential = Math.exp(values[base + c] - max);
                values[base + c] = (float) exponential;
                sum += exponential;
            }
            float scale = (float) (1.0 / sum);
            for (int c = 0; c < columns; c++) {
                values[base + c] *= scale;
            }
        }
    }

    @Override
    public void activationBackward(ActivationFunction function, INDArray y, INDArray dy, INDArray dx) {
        if (!fast(y, dy, dx) || function == ActivationFunction.SOFTMAX) {
            Backend.super.activationBackward(function, y, dy, dx);
            return;
        }
        int length = Math.toIntExact(y.length());
        if (function == ActivationFunction.TANH && contiguousC(y) && contiguousC(dy) && contiguousC(dx)) {
            tanhBackwardInChunks(y, dy, dx, length);
            return;
        }
        float[] output = read(y, 0, length);
        float[] gradient = read(dy, 1, length);
        switch (function) {
            case LINEAR -> { }
            case TANH -> {
                for (int i = 0; i < length; i++) {
                    gradient[i] *= 1f - output[i] * output[i];
                }
            }
            case RELU -> {
                for (int i = 0; i < length; i++) {
                    gradient[i] = output[i] > 0f ? gradient[i] : 0f;
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < length; i++) {
                    gradient[i] *= output[i] * (1f - output[i]);
                }
            }
            default -> throw new AssertionError(function);
        }
        write(gradient, length, dx);
    }

    /** Values per chunk of {@link #tanhBackwardInChunks}: two chunks stay in the core's L1 cache. */
    private static final int CHUNK = 1024;

    /**
     * {@code dx = dy * (1 - y^2)} over contiguous arrays in chunks of {@value #CHUNK} values, so that what goes through
     * Java arrays stays in the L1 cache instead of three whole-array copies (in isolation 11.6-11.8 against 14.2-14.7
     * us for a 64 x 256 block, the same bits).
     */
    private void tanhBackwardInChunks(INDArray y, INDArray dy, INDArray dx, int length) {
        float[] output = buffer(0, CHUNK);
        float[] gradient = buffer(1, CHUNK);
        FloatBuffer outputs = NativeBuffers.nio(y);
        FloatBuffer gradients = NativeBuffers.nio(dy);
        FloatBuffer targets = NativeBuffers.nio(dx);
        int outputOffset = Math.toIntExact(y.offset());
        int gradientOffset = Math.toIntExact(dy.offset());
        int targetOffset = Math.toIntExact(dx.offset());
        for (int from = 0; from < length; from += CHUNK) {
            int count = Math.min(CHUNK, length - from);
            outputs.get(outputOffset + from, output, 0, count);
            gradients.get(gradientOffset + from, gradient, 0, count);
            for (int i = 0; i < count; i++) {
                gradient[i] *= 1f - output[i] * output[i];
            }
            targets.put(targetOffset + from, gradient, 0, count);
        }
    }

    @Override
    public void addRowVector(INDArray matrix, INDArray row) {
        if (!fast(matrix, row) || matrix.rank() != 2) {
            Backend.super.addRowVector(matrix, row);
            return;
        }
        int rows = Math.toIntExact(matrix.size(0));
        int columns = Math.toIntExact(matrix.size(1));
        float[] vector = read(row, 1, columns);
        float[] line = buffer(0, columns);
        // Row by row through a one-row buffer: `line[c] += vector[c]` has equal indices, which the JIT vectorises (it
        // does not vectorise values[r * columns + c] += vector[c]), and a large matrix is not copied whole.
        FloatBuffer memory = NativeBuffers.nio(matrix);
        int offset = Math.toIntExact(matrix.offset());
        int stride = leading(matrix);
        for (int r = 0; r < rows; r++) {
            int at = offset + r * stride;
            memory.get(at, line, 0, columns);
            for (int c = 0; c < columns; c++) {
                line[c] += vector[c];
            }
            memory.put(at, line, 0, columns);
        }
    }

    @Override
    public void sumRows(INDArray matrix, INDArray out) {
        if (!fast(matrix, out) || matrix.rank() != 2) {
            Backend.super.sumRows(matrix, out);
            return;
        }
        int rows = Math.toIntExact(matrix.size(0));
        int columns = Math.toIntExact(matrix.size(1));
        float[] sums = buffer(1, columns);
        java.util.Arrays.fill(sums, 0, columns, 0f);
        float[] line = buffer(0, columns);
        FloatBuffer memory = NativeBuffers.nio(matrix);
        int offset = Math.toIntExact(matrix.offset());
        int stride = leading(matrix);
        for (int r = 0; r < rows; r++) {
            memory.get(offset + r * stride, line, 0, columns);
            for (int c = 0; c < columns; c++) {
                sums[c] += line[c];
            }
        }
        write(sums, columns, out);
    }

    @Override
    public double sumOfSquares(INDArray x) {
        // ND4J's norm2 reduction was a large share of a clipped training step (docs/benchmarks.md); one Java pass.
        if (!fast(x)) {
            return Backend.super.sumOfSquares(x);
        }
        int length = Math.toIntExact(x.length());
        float[] values = read(x, 0, length);
        double sum = 0;
        for (int i = 0; i < length; i++) {
            sum += (double) values[i] * values[i];
        }
        return sum;
    }

    @Override
    public void axpy(double alpha, INDArray x, INDArray y) {
        ensureReady();
        if (!fast(x, y)) {
            Backend.super.axpy(alpha, x, y);
            return;
        }
        int length = Math.toIntExact(x.length());
        if (contiguousC(x) && contiguousC(y) && x.length() == y.length()) {
            // Straight on the native memory (MKL's or OpenBLAS's saxpy): the gradient sums and the SGD update of the
            // notebook's model go through here every step, and the copies through Java arrays cost 2-3 % of a step.
            blas.saxpy(length, (float) alpha, pointer(x), pointer(y));
            return;
        }
        float[] input = read(x, 0, length);
        float[] output = read(y, 1, length);
        float scale = (float) alpha;
        for (int i = 0; i < length; i++) {
            output[i] += scale * input[i];
        }
        write(output, length, y);
    }

    @Override
    public void multiply(INDArray a, INDArray b, INDArray out) {
        if (!fast(a, b, out)) {
            Backend.super.multiply(a, b, out);
            return;
        }
        int length = Math.toIntExact(a.length());
        float[] left = read(a, 0, length);
        float[] right = read(b, 1, length);
        for (int i = 0; i < length; i++) {
            left[i] *= right[i];
        }
        write(left, length, out);
    }

    /**
     * Native memory to native memory: one bulk copy for contiguous arrays, one per row for column blocks (for column
     * blocks about 3x faster here than ND4J's strided assign). 256 x 256 values took 9.6 us against 17.3-17.6 us
     * through a Java buffer, a 64 x 256 column block 3.1 against 4.8-5.1 us.
     */
    @Override
    public void copy(INDArray source, INDArray target) {
        if (!fast(source, target) || !java.util.Arrays.equals(source.shape(), target.shape())) {
            Backend.super.copy(source, target);
            return;
        }
        FloatBuffer from = NativeBuffers.nio(source);
        FloatBuffer to = NativeBuffers.nio(target);
        int sourceOffset = Math.toIntExact(source.offset());
        int targetOffset = Math.toIntExact(target.offset());
        if (contiguousC(source) && contiguousC(target)) {
            to.put(targetOffset, from, sourceOffset, Math.toIntExact(source.length()));
            return;
        }
        int rows = Math.toIntExact(source.size(0));
        int columns = Math.toIntExact(source.size(1));
        int sourceStride = leading(source);
        int targetStride = leading(target);
        for (int r = 0; r < rows; r++) {
            to.put(targetOffset + r * targetStride, from, sourceOffset + r * sourceStride, columns);
        }
    }

    /**
     * Sample by sample: a sample's steps are contiguous in the source, and each step's row goes straight to its place
     * in the target, native memory to native memory (absolute bulk copies, so threads may share the buffers); with a
     * mask, the sample goes through a Java buffer of one sample (in L1) to be masked first. For 256 samples of 28 x 28
     * into the 29-column rows of the inputs beside a column of ones this took 156-215 us against 470-610 us for the
     * earlier bulk read, placement in a Java image of the whole target and bulk write (which had to read the image
     * first, to keep the column of ones); for 1,024 samples 0.62-0.65 ms against 2.5-3.4 ms. With the notebook's
     * dropout mask, 64 samples took 94-95 us against 123-127 us. Splitting a batch of 1,024 between two threads did
     * not measure faster.
     */
    /** Row by row, native memory to native memory. */
    @Override
    public void copyDroppedRows(float[] keep, int offset, INDArray source, INDArray target) {
        if (!fast(source, target) || source.rank() != 2 || !java.util.Arrays.equals(source.shape(), target.shape())) {
            Backend.super.copyDroppedRows(keep, offset, source, target);
            return;
        }
        FloatBuffer from = NativeBuffers.nio(source);
        FloatBuffer to = NativeBuffers.nio(target);
        int sourceOffset = Math.toIntExact(source.offset());
        int targetOffset = Math.toIntExact(target.offset());
        int rows = Math.toIntExact(source.size(0));
        int columns = Math.toIntExact(source.size(1));
        int sourceStride = leading(source);
        int targetStride = leading(target);
        for (int r = 0; r < rows; r++) {
            if (keep[offset + r] == 0f) {
                to.put(targetOffset + r * targetStride, from, sourceOffset + r * sourceStride, columns);
            }
        }
    }

    @Override
    public void copyTimeMajor(INDArray source, INDArray mask, INDArray target, boolean reversed) {
        if (source.rank() != 3 || !contiguous(source) || !fast(target) || (mask != null && !contiguous(mask))
                || target.size(0) != source.size(0) * source.size(1) || target.size(1) != source.size(2)
                || (mask != null && (mask.rank() != 2 || mask.size(0) != source.size(0)
                        || mask.size(1) != source.size(2)))) {
            Backend.super.copyTimeMajor(source, mask, target, reversed);
            return;
        }
        int batch = Math.toIntExact(source.size(0));
        int steps = Math.toIntExact(source.size(1));
        int features = Math.toIntExact(source.size(2));
        int sample = steps * features;
        FloatBuffer sources = NativeBuffers.nio(source);
        FloatBuffer targets = NativeBuffers.nio(target);
        int sourceOffset = Math.toIntExact(source.offset());
        int targetOffset = Math.toIntExact(target.offset());
        int stride = leading(target);
        float[] masks = mask == null ? null : read(mask, 1, batch * features);
        float[] masked = mask == null ? null : buffer(0, sample);
        for (int b = 0; b < batch; b++) {
            int from = sourceOffset + b * sample;
            if (masked != null) {
                sources.get(from, masked, 0, sample);
                maskSteps(masked, 0, masks, b * features, steps, features);
            }
            for (int t = 0; t < steps; t++) {
                int to = targetOffset + ((reversed ? steps - 1 - t : t) * batch + b) * stride;
                if (masked != null) {
                    targets.put(to, masked, t * features, features);
                } else {
                    targets.put(to, sources, from + t * features, features);
                }
            }
        }
    }

    /** Reads each row straight to its batch-major place, masks in Java, and writes the target in one bulk copy. */
    @Override
    public void copyBatchMajor(INDArray source, INDArray mask, INDArray target, boolean reversed) {
        if (target.rank() != 3 || !contiguous(target) || !fast(source) || (mask != null && !contiguous(mask))
                || source.rank() != 2 || source.size(0) != target.size(0) * target.size(1)
                || source.size(1) != target.size(2) || (mask != null && (mask.rank() != 2
                        || mask.size(0) != target.size(0) || mask.size(1) != target.size(2)))) {
            Backend.super.copyBatchMajor(source, mask, target, reversed);
            return;
        }
        int batch = Math.toIntExact(target.size(0));
        int steps = Math.toIntExact(target.size(1));
        int features = Math.toIntExact(target.size(2));
        int length = batch * steps * features;
        FloatBuffer memory = NativeBuffers.nio(source);
        int offset = Math.toIntExact(source.offset());
        int stride = leading(source);
        float[] batchMajor = buffer(1, length);
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                memory.get(offset + (t * batch + b) * stride, batchMajor,
                        (b * steps + (reversed ? steps - 1 - t : t)) * features, features);
            }
        }
        if (mask != null) {
            maskEveryStep(batchMajor, read(mask, 2, batch * features), batch, steps, features);
        }
        write(batchMajor, length, target);
    }

    /** {@code values[b][t][f] *= mask[b][f]} on batch-major values: one dropout mask for every step. */
    private static void maskEveryStep(float[] values, float[] mask, int batch, int steps, int features) {
        for (int b = 0; b < batch; b++) {
            maskSteps(values, b * steps * features, mask, b * features, steps, features);
        }
    }

    /** One sample's steps, from {@code values[at]}, each multiplied by the sample's mask row at {@code mask[from]}. */
    private static void maskSteps(float[] values, int at, float[] mask, int from, int steps, int features) {
        for (int t = 0, i = at; t < steps; t++) {
            for (int f = 0; f < features; f++) {
                values[i++] *= mask[from + f];
            }
        }
    }

    @Override
    public void write(float[] values, INDArray target) {
        if (!fast(target) || values.length != target.length()) {
            Backend.super.write(values, target);
            return;
        }
        write(values, values.length, target);
    }

    @Override
    public void gatherRows(INDArray source, int[] rows, int from, INDArray target) {
        if (!contiguous(source, target)) {
            Backend.super.gatherRows(source, rows, from, target);
            return;
        }
        int count = Math.toIntExact(target.size(0));
        int rowLength = Math.toIntExact(source.length() / source.size(0));
        if (target.length() != (long) count * rowLength) {
            throw new IllegalArgumentException("gatherRows: target " + java.util.Arrays.toString(target.shape())
                    + " does not hold " + count + " rows of " + rowLength + " values");
        }
        FloatBuffer sourceBuffer = NativeBuffers.nio(source);
        int sourceOffset = Math.toIntExact(source.offset());
        float[] values = buffer(0, count * rowLength);
        for (int i = 0; i < count; i++) {
            int row = rows[from + i];
            sourceBuffer.get(sourceOffset + row * rowLength, values, i * rowLength, rowLength);
        }
        write(values, count * rowLength, target);
    }

    private float[] buffer(int slot, int length) {
        float[][] buffers = scratch.get();
        if (buffers[slot].length < length) {
            buffers[slot] = new float[Math.max(length, buffers[slot].length * 3 / 2)];
        }
        return buffers[slot];
    }

    /** @return the array's values in C order, in a scratch buffer of this thread */
    private float[] read(INDArray array, int slot, int length) {
        float[] values = buffer(slot, length);
        FloatBuffer memory = NativeBuffers.nio(array);
        int offset = Math.toIntExact(array.offset());
        if (contiguousC(array)) {
            memory.get(offset, values, 0, length);
            return values;
        }
        int columns = Math.toIntExact(array.size(1));
        int stride = Math.toIntExact(array.stride(0));
        for (int row = 0, at = 0; at < length; row++, at += columns) {
            memory.get(offset + row * stride, values, at, columns);
        }
        return values;
    }

    private static void write(float[] values, int length, INDArray array) {
        FloatBuffer memory = NativeBuffers.nio(array);
        int offset = Math.toIntExact(array.offset());
        if (contiguousC(array)) {
            memory.put(offset, values, 0, length);
            return;
        }
        int columns = Math.toIntExact(array.size(1));
        int stride = Math.toIntExact(array.stride(0));
        for (int row = 0, at = 0; at < length; row++, at += columns) {
            memory.put(offset + row * stride, values, at, columns);
        }
    }

    /**
     * @return whether every array is float32 and laid out contiguously in C order (views included), or is a 2-D block
     *         of columns of a wider C-ordered matrix
     */
    static boolean fast(INDArray... arrays) {
        for (INDArray array : arrays) {
            if (array.dataType() != DataType.FLOAT || !(contiguousC(array) || columnBlock(array))) {
                return false;
            }
        }
        return true;
    }

    /** @return whether every array is float32 and laid out contiguously in C order (views included) */
    private static boolean contiguous(INDArray... arrays) {
        for (INDArray array : arrays) {
            if (array.dataType() != DataType.FLOAT || !contiguousC(array)) {
                return false;
            }
        }
        return true;
    }

    /** @return whether a 2-D array has unit stride along its rows and rows at least a row's length apart */
    private static boolean columnBlock(INDArray array) {
        return array.rank() == 2 && (array.size(1) == 1 || array.stride(1) == 1) && array.stride(0) >= array.size(1);
    }

    /** @return BLAS's leading dimension of a 2-D array accepted by {@link #fast} */
    private static int leading(INDArray array) {
        return Math.toIntExact(contiguousC(array) ? Math.max(1, array.size(1)) : array.stride(0));
    }

    private static boolean contiguousC(INDArray array) {
        long[] shape = array.shape();
        long[] stride = array.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }
}

package dev.rnn4j.backend.cpu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.mkl.global.mkl_rt;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The library that runs the CPU backend's float32 matrix products ({@code cblas_sgemm}, {@code cblas_saxpy}); ND4J's
 * own operations always use the OpenBLAS that ND4J loads.
 *
 * <p>On Intel CPUs the default is Intel MKL: for the notebook's products (64-1024 rows, 256-285 columns) it ran
 * 1.3-2.5x faster than OpenBLAS 0.3.19 here, and it picks its AVX-512 or AVX2 kernels from the CPU itself, so
 * {@code OPENBLAS_CORETYPE} does not slow it down. Elsewhere (AMD CPUs, where MKL's speed is not measured) OpenBLAS
 * stays the default. The system property {@value #PROPERTY} ({@code auto}, {@code mkl}, {@code openblas}) or the
 * backend's constructor chooses. Figures: docs/benchmarks.md.
 */
public enum CpuBlas {
    /** OpenBLAS, the library ND4J ships (its kernels follow {@code OPENBLAS_CORETYPE}). */
    OPENBLAS,
    /** Intel MKL (the {@code org.bytedeco:mkl} redistributable), one thread per call. */
    MKL;

    /** System property that chooses the library: {@code auto} (default), {@code mkl} or {@code openblas}. */
    public static final String PROPERTY = "rnn4j.blas";

    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANSPOSE = 111;
    private static final int TRANSPOSE = 112;

    private static volatile String mklVersion;

    /**
     * @return the library the {@value #PROPERTY} setting asks for; with {@code auto} (or unset), MKL on an Intel CPU
     *         where it loads, OpenBLAS otherwise
     * @throws IllegalStateException if the setting is not one of the three, or asks for MKL and MKL cannot load
     */
    public static CpuBlas fromSetting() {
        String setting = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (setting) {
            case "auto", "" -> automatic();
            case "mkl" -> {
                String failure = mklFailure();
                if (failure != null) {
                    throw new IllegalStateException("system property " + PROPERTY + "=mkl: Intel MKL could not load ("
                            + failure + "); use " + PROPERTY + "=openblas, or keep org.bytedeco:mkl with its"
                            + " linux-x86_64-redist jar on the classpath");
                }
                yield MKL;
            }
            case "openblas" -> OPENBLAS;
            default -> throw new IllegalStateException("system property " + PROPERTY + ": expected auto, mkl or"
                    + " openblas, found '" + System.getProperty(PROPERTY) + "'");
        };
    }

    /** @return MKL on an Intel CPU where it loads, OpenBLAS otherwise */
    static CpuBlas automatic() {
        return "GenuineIntel".equals(cpuVendor()) && mklFailure() == null ? MKL : OPENBLAS;
    }

    /** @return the {@code vendor_id} in /proc/cpuinfo, or "unknown" */
    static String cpuVendor() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("vendor_id")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception unreadable) {
            // not Linux, or not readable: no vendor
        }
        return "unknown";
    }

    /**
     * Loads MKL once and limits it to one thread per call (the backend splits work between its own two threads).
     *
     * @return null when MKL is ready, otherwise why it is not
     */
    static synchronized String mklFailure() {
        if (mklVersion != null) {
            return mklVersion.startsWith("!") ? mklVersion.substring(1) : null;
        }
        try {
            mkl_rt.MKL_Set_Num_Threads(1);
            mkl_rt.MKL_Set_Dynamic(0);
            BytePointer text = new BytePointer(256);
            mkl_rt.MKL_Get_Version_String(text, 256);
            mklVersion = text.getString().trim();
            return null;
        } catch (Throwable failure) {
            mklVersion = "!" + failure;
            return failure.toString();
        }
    }

    /** @return a short description: the library and its version */
    public String describe() {
        if (this == MKL) {
            mklFailure();
            String version = mklVersion == null ? "" : mklVersion;
            // "Intel(R) oneAPI Math Kernel Library Version 2022.0-Product Build 20211112 for Intel(R) 64 ..."
            int at = version.indexOf("Version ");
            String number = at < 0 ? "" : " " + version.substring(at + 8).split("[ -]")[0];
            return "Intel MKL" + number;
        }
        return "OpenBLAS";
    }

    /**
     * Row-major {@code C = alpha op(A) op(B) + beta C} on {@code m x k} and {@code k x n} operands at the given element
     * offsets from the pointers' positions.
     */
    void sgemm(boolean transposeA, boolean transposeB, int m, int n, int k, double alpha, FloatPointer a,
            long aOffset, int lda, FloatPointer b, long bOffset, int ldb, double beta, FloatPointer c, long cOffset,
            int ldc) {
        int ta = transposeA ? TRANSPOSE : NO_TRANSPOSE;
        int tb = transposeB ? TRANSPOSE : NO_TRANSPOSE;
        FloatPointer pa = aOffset == 0 ? a : a.position(a.position() + aOffset);
        FloatPointer pb = bOffset == 0 ? b : b.position(b.position() + bOffset);
        FloatPointer pc = cOffset == 0 ? c : c.position(c.position() + cOffset);
        if (this == MKL) {
            mkl_rt.cblas_sgemm(ROW_MAJOR, ta, tb, m, n, k, (float) alpha, pa, lda, pb, ldb, (float) beta, pc, ldc);
        } else {
            openblas_nolapack.cblas_sgemm(ROW_MAJOR, ta, tb, m, n, k, (float) alpha, pa, lda, pb, ldb, (float) beta,
                    pc, ldc);
        }
    }

    /** @return whether this library packs a right operand once for many products (MKL's packed GEMM) */
    boolean hasPacking() {
        return this == MKL;
    }

    /** @return the bytes MKL's packed form of a {@code k x n} right operand takes for {@code m}-row products */
    long packedSize(int m, int n, int k) {
        return mkl_rt.cblas_sgemm_pack_get_size(mkl_rt.CblasBMatrix, m, n, k);
    }

    /** Packs {@code op(B)} ({@code k x n}) for {@code m}-row products into {@code packed} (MKL only). */
    void pack(boolean transposeB, int m, int n, int k, FloatPointer b, int ldb, FloatPointer packed) {
        mkl_rt.cblas_sgemm_pack(ROW_MAJOR, mkl_rt.CblasBMatrix, transposeB ? TRANSPOSE : NO_TRANSPOSE, m, n, k, 1f, b,
                ldb, packed);
    }

    /** Row-major {@code C = A · B + beta C} with {@code B} packed by {@link #pack} for the same m, n, k (MKL only). */
    void computePacked(int m, int n, int k, FloatPointer a, int lda, FloatPointer packed, double beta, FloatPointer c,
            int ldc) {
        mkl_rt.cblas_sgemm_compute(ROW_MAJOR, NO_TRANSPOSE, mkl_rt.CblasPacked, m, n, k, a, lda, packed, n,
                (float) beta, c, ldc);
    }

    /** VML mode for tanh: low accuracy (max error 6e-8 against {@link Math#tanh} here), errors ignored. */
    private static final long VML_TANH_MODE = mkl_rt.VML_LA | mkl_rt.VML_ERRMODE_IGNORE;

    /** @return whether this library has vector math for {@link #tanh} (MKL's VML; OpenBLAS has none) */
    boolean hasVectorMath() {
        return this == MKL;
    }

    /**
     * {@code out[i] = tanh(x[i])} for {@code i < n} with MKL's vector math (VML, one thread); {@code x} and
     * {@code out} may be the same memory. Only where {@link #hasVectorMath}.
     */
    void tanh(int n, FloatPointer x, FloatPointer out) {
        mkl_rt.vmsTanh(n, x, out, VML_TANH_MODE);
    }

    /** {@code y += alpha x} over {@code n} contiguous values. */
    void saxpy(int n, float alpha, FloatPointer x, FloatPointer y) {
        if (this == MKL) {
            mkl_rt.cblas_saxpy(n, alpha, x, 1, y, 1);
        } else {
            openblas_nolapack.cblas_saxpy(n, alpha, x, 1, y, 1);
        }
    }
}

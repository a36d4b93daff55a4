package gmvae4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * OpenBLAS's {@code cblas_sgemm}, bound with the Foreign Function &amp; Memory API: the peer our
 * sgemm is measured against. Java float arrays are passed straight to C (a "critical" downcall
 * with heap access), so neither side pays for a copy.
 *
 * <p>The library is looked up at {@code -Dgmvae.openblas=PATH} if given, else in the usual
 * Debian/Ubuntu/Fedora/Homebrew places. When it is missing, {@link #isAvailable()} is false
 * and {@link #unavailableReason()} says what was tried; nothing else fails.
 */
public final class OpenBlas {
    private OpenBlas() {}

    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

    static final List<String> CANDIDATES = List.of(
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
            "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
            "/usr/lib64/libopenblas.so.0",
            "/usr/lib64/libopenblasp.so.0",
            "/usr/lib/libopenblas.so.0",
            "/usr/local/lib/libopenblas.so.0",
            "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
            "/usr/local/opt/openblas/lib/libopenblas.dylib");

    private static final MethodHandle SGEMM, SET_THREADS, GET_CONFIG, GET_CORENAME;
    private static final String PATH, REASON;

    static {
        MethodHandle sgemm = null, setThreads = null, config = null, corename = null;
        String path = null, reason = null;
        try {
            List<String> tried = new ArrayList<>();
            String override = System.getProperty("gmvae.openblas");
            List<String> paths = override != null ? List.of(override) : CANDIDATES;
            for (String p : paths) {
                tried.add(p);
                if (Files.isReadable(Path.of(p))) { path = p; break; }
            }
            if (path == null) {
                reason = "libopenblas not found (tried " + String.join(", ", tried)
                        + "; install libopenblas0 or pass -Dgmvae.openblas=/path/to/libopenblas.so.0)";
            } else {
                Linker linker = Linker.nativeLinker();
                SymbolLookup lib = SymbolLookup.libraryLookup(Path.of(path), Arena.global());
                ValueLayout.OfInt I = ValueLayout.JAVA_INT;
                ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
                ValueLayout P = ValueLayout.ADDRESS;
                sgemm = linker.downcallHandle(find(lib, "cblas_sgemm"),
                        FunctionDescriptor.ofVoid(I, I, I, I, I, I, F, P, I, P, I, F, P, I),
                        Linker.Option.critical(true));
                setThreads = linker.downcallHandle(find(lib, "openblas_set_num_threads"), FunctionDescriptor.ofVoid(I));
                Optional<MemorySegment> cfg = lib.find("openblas_get_config");
                if (cfg.isPresent()) config = linker.downcallHandle(cfg.get(), FunctionDescriptor.of(P));
                Optional<MemorySegment> core = lib.find("openblas_get_corename");
                if (core.isPresent()) corename = linker.downcallHandle(core.get(), FunctionDescriptor.of(P));
            }
        } catch (Throwable t) {
            sgemm = null;
            reason = "could not bind OpenBLAS at " + path + ": " + t;
            if (t instanceof IllegalCallerException)
                reason += " (run java with --enable-native-access=ALL-UNNAMED)";
        }
        SGEMM = sgemm;
        SET_THREADS = setThreads;
        GET_CONFIG = config;
        GET_CORENAME = corename;
        PATH = path;
        REASON = sgemm == null ? reason : null;
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("symbol " + name + " missing"));
    }

    public static boolean isAvailable() { return SGEMM != null; }

    /** Why {@link #isAvailable()} is false; null when it is true. */
    public static String unavailableReason() { return REASON; }

    /** The library file in use, or null. */
    public static String path() { return PATH; }

    /** OpenBLAS's own description of its build (version, target core), or "?". */
    public static String config() { return string(GET_CONFIG); }

    /**
     * The core whose kernels this process's OpenBLAS runs (e.g. "Haswell", "SkylakeX",
     * "Cooperlake"), chosen once when the library loaded (see {@link OpenBlasCore}), or "?".
     */
    public static String coreName() { return string(GET_CORENAME); }

    private static String string(MethodHandle getter) {
        if (getter == null) return "?";
        try {
            MemorySegment s = (MemorySegment) getter.invokeExact();
            return s.reinterpret(256).getString(0).strip();
        } catch (Throwable t) {
            return "?";
        }
    }

    public static void setThreads(int n) {
        require();
        try {
            SET_THREADS.invokeExact(n);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Same contract as {@link gmvae4j.kernels.Kernels#sgemm}. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        require();
        MemorySegment as = MemorySegment.ofArray(a).asSlice(aOff * 4L);
        MemorySegment bs = MemorySegment.ofArray(b).asSlice(bOff * 4L);
        MemorySegment cs = MemorySegment.ofArray(c).asSlice(cOff * 4L);
        try {
            SGEMM.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                    alpha, as, lda, bs, ldb, beta, cs, ldc);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void require() {
        if (SGEMM == null) throw new IllegalStateException(REASON);
    }
}

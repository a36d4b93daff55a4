package gmvae4j.kernels.cuda;

import gmvae4j.kernels.Kernels;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether CUDA can be used here, and the process-wide CUDA context when it can.
 *
 * <p>{@link #probe()} never throws and never crashes the JVM: a missing library, a file that
 * will not load, a missing or too old driver, zero devices, or native access disabled all
 * come back as {@code available = false} with a one-line reason, e.g.
 * {@code no libcudart.so.* found in: /usr/local/cuda/lib64, ...} or
 * {@code cudaGetDeviceCount failed: CUDA driver version is insufficient for CUDA runtime version (cudaError 35)}.
 *
 * <p>Opening order, each step explaining its own failure: find libcudart and libcublas
 * ({@link CudaLibraries}), load libcudart, ask it for devices (this is where a missing driver
 * shows), select the device (system property {@value #DEVICE_PROPERTY}, default 0), then
 * load libcublas (or report that none was found) and create a handle.
 */
public final class CudaBackend {
    private CudaBackend() {}

    /** Which device to use, by index (default 0). */
    public static final String DEVICE_PROPERTY = "gmvae.cuda.device";

    /** The answer to "can this process use CUDA?", with a one-line reason either way. */
    public record Probe(boolean available, String reason) {
        @Override public String toString() {
            return (available ? "CUDA available: " : "CUDA unavailable: ") + reason;
        }
    }

    private static Probe probed;
    private static CudaContext shared;

    /**
     * Probes once per process, with the default search folders, and keeps the context open
     * for {@link #shared()} when it succeeds.
     */
    public static synchronized Probe probe() {
        if (probed == null) {
            try {
                shared = open(CudaLibraries.defaultSearchDirs(), deviceFromProperty());
                probed = new Probe(true, shared.description());
            } catch (CudaUnavailableException e) {
                probed = new Probe(false, e.getMessage());
            }
        }
        return probed;
    }

    /** Probes with the given search folders (tests, diagnostics); opens and closes a context. */
    public static Probe probe(List<Path> searchDirs) {
        try (CudaContext ctx = open(searchDirs, 0)) {
            return new Probe(true, ctx.description());
        } catch (CudaUnavailableException e) {
            return new Probe(false, e.getMessage());
        }
    }

    /**
     * One line on the GPU for {@code version} and {@code bench}: the device in use, or why there
     * is none (no CUDA runtime installed, or one installed but unusable: no driver, no device, no
     * cuBLAS, native access off). {@code --backend auto} itself falls back to the CPU silently.
     */
    public static String status(Probe p) {
        if (p.available()) return "cuda: " + p.reason();
        if (p.reason().startsWith("no " + CudaLibraries.CUDART + ".so")) return "cuda: none (no CUDA runtime installed)";
        return "cuda: not used, running on the CPU: " + p.reason();
    }

    /**
     * The process-wide context (opened by the first {@link #probe()}).
     *
     * @throws CudaUnavailableException with the probe's reason
     */
    public static synchronized CudaContext shared() {
        Probe p = probe();
        if (!p.available()) throw new CudaUnavailableException(p.reason());
        return shared;
    }

    /**
     * The {@code cuda} backend for {@link gmvae4j.kernels.Backends}: sgemm on the GPU (copying
     * operands, see {@link CudaKernels}), everything else on {@code cpu}.
     *
     * @throws IllegalArgumentException with a one-line reason when CUDA cannot be used, the
     *         same convention as the other backends' {@code choose(name)}
     */
    public static Kernels kernels(Kernels cpu) {
        Probe p = probe();
        if (!p.available()) throw new IllegalArgumentException("backend 'cuda' is unavailable: " + p.reason());
        return new CudaKernels(shared, cpu);
    }

    /**
     * Opens a new context on {@code device} with libraries found in {@code searchDirs}.
     *
     * @throws CudaUnavailableException (one line) for every reason CUDA cannot be used
     */
    public static CudaContext open(List<Path> searchDirs, int device) {
        CudaLibraries.Found found = CudaLibraries.locate(searchDirs);
        Arena arena = Arena.ofShared();
        CudaContext ctx = null;
        try {
            CudaRuntime rt = CudaRuntime.load(found.cudart().file(), arena);
            int[] count = new int[1];
            int status = rt.deviceCount(count);
            if (status != 0)
                throw new CudaUnavailableException("cudaGetDeviceCount failed: " + rt.errorString(status)
                        + " (cudaError " + status + "; runtime " + rt.file() + ", driver supports CUDA "
                        + driverVersionOrNone(rt) + ")");
            if (count[0] == 0) throw new CudaUnavailableException("cudaGetDeviceCount returned 0 devices");
            if (device < 0 || device >= count[0])
                throw new CudaUnavailableException("CUDA device " + device + " requested (-D" + DEVICE_PROPERTY
                        + ") but only " + count[0] + " present");
            rt.setDevice(device);
            String name = rt.deviceName(device);
            Cublas cublas = Cublas.load(found.cublas().orElseThrow(() ->
                    new CudaUnavailableException(CudaLibraries.cublasNotFound(found))), arena);
            ctx = new CudaContext(arena, rt, device, name);
            ctx.attachBlas(new CudaBlas(ctx, cublas));
            ctx.searchDirs(searchDirs);
            ctx.describe(name + " (device " + device + " of " + count[0] + "), CUDA runtime "
                    + CudaRuntime.versionString(rt.runtimeVersion()) + ", driver "
                    + CudaRuntime.versionString(rt.driverVersion()) + ", cuBLAS " + ctx.blas().version()
                    + "; " + rt.file() + ", " + cublas.file());
            return ctx;
        } catch (CudaUnavailableException e) {
            closeQuietly(ctx, arena);
            throw e;
        } catch (CudaException e) {
            closeQuietly(ctx, arena);
            throw new CudaUnavailableException(Native.oneLine(e.getMessage()), e);
        } catch (IllegalCallerException e) {
            closeQuietly(ctx, arena);
            throw new CudaUnavailableException("native access is disabled: start java with "
                    + "--enable-native-access=ALL-UNNAMED (./gmvae does)", e);
        } catch (RuntimeException | LinkageError e) {
            closeQuietly(ctx, arena);
            throw new CudaUnavailableException("CUDA initialisation failed: " + Native.oneLine(String.valueOf(e)), e);
        }
    }

    private static String driverVersionOrNone(CudaRuntime rt) {
        try {
            int v = rt.driverVersion();
            return v == 0 ? "none (no NVIDIA driver loaded)" : CudaRuntime.versionString(v);
        } catch (CudaException e) {
            return "unknown";
        }
    }

    private static void closeQuietly(CudaContext ctx, Arena arena) {
        try {
            if (ctx != null) ctx.close();
            else arena.close();
        } catch (RuntimeException ignored) {
            // already failing; the first error is the one worth reporting
        }
    }

    private static int deviceFromProperty() {
        String s = System.getProperty(DEVICE_PROPERTY, "0").strip();
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new CudaUnavailableException("-D" + DEVICE_PROPERTY + "=" + s + " is not a device index");
        }
    }
}

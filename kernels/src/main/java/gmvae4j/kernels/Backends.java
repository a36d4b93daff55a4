package gmvae4j.kernels;

/**
 * Decides once, at startup, which {@link Kernels} backend the process uses, and says so when
 * the choice is a slow one.
 *
 * <p>Choice: system property {@code gmvae.backend} (the CLI's {@code --backend}) =
 * {@code auto} (default) | {@code cpu} | {@code cuda} | {@code vector} | {@code scalar}.
 * {@code cpu} takes the Vector API backend when the {@code jdk.incubator.vector} module is in the
 * boot layer (the {@code ./gmvae} launcher adds it), else the scalar one with a single stderr line
 * explaining how to get the fast path. {@code auto} is {@code cpu} plus cuBLAS for large products
 * when CUDA loads and a device is present ({@link gmvae4j.kernels.cuda.CudaBackend}); a CUDA
 * install that is present but unusable gets one stderr line saying why. {@code cuda} where CUDA
 * cannot load is a one-line error, never a crash. The Vector API classes are only ever
 * touched through reflection-free lazy loading of {@code VectorKernels}, so a JVM without the
 * module never resolves them.
 */
public final class Backends {

    private Backends() {}

    private static volatile Kernels instance;

    /** The process-wide backend. */
    public static Kernels get() {
        Kernels k = instance;
        if (k == null) {
            synchronized (Backends.class) {
                if (instance == null) instance = fromSystemProperty();
                k = instance;
            }
        }
        return k;
    }

    /** True when the Vector API incubator module is resolved in this JVM. */
    public static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** The system property that names the backend (the CLI's {@code --backend} sets it). */
    public static final String PROPERTY = "gmvae.backend";

    /** The backend's name as asked for ({@link #PROPERTY}; "auto" when unset), whether or not {@link #get()} has run. */
    public static String requested() {
        return System.getProperty(PROPERTY, "auto");
    }

    /** The backend {@code -Dgmvae.backend} asks for (uncached; {@link #get()} caches it). */
    static Kernels fromSystemProperty() {
        return choose(requested());
    }

    /** Builds a backend by name; throws IllegalArgumentException with a one-line reason. */
    public static Kernels choose(String name) {
        return choose(name, vectorApiPresent(), System.err);
    }

    /** {@link #choose(String)} with the module check and the message stream made explicit (tests). */
    static Kernels choose(String name, boolean vectorPresent, java.io.PrintStream err) {
        switch (name) {
            case "scalar":
                return new ScalarKernels();
            case "vector":
                if (!vectorPresent)
                    throw new IllegalArgumentException("backend 'vector' needs the JVM flag --add-modules jdk.incubator.vector");
                return VectorSupport.create();
            case "cpu":
                if (vectorPresent) return VectorSupport.create();
                err.println(SLOW_PATH_MESSAGE);
                return new ScalarKernels();
            case "cuda":   // big products on the GPU, everything else on the CPU
                return gmvae4j.kernels.cuda.CudaBackend.kernels(choose("cpu", vectorPresent, err));
            case "auto":
                return auto(choose("cpu", vectorPresent, err), gmvae4j.kernels.cuda.CudaBackend.probe());
            default:
                throw new IllegalArgumentException("unknown backend '" + name
                        + "' (expected auto, cpu, cuda, vector or scalar)");
        }
    }

    /**
     * {@code auto}: the GPU when the probe found one, else the CPU, silently. Falling back is the
     * normal case on most machines, so it is not worth a line on every command; {@code version},
     * {@code bench} and an explicit {@code --backend cuda} say why the GPU is not used
     * ({@link gmvae4j.kernels.cuda.CudaBackend#status}).
     */
    static Kernels auto(Kernels cpu, gmvae4j.kernels.cuda.CudaBackend.Probe probe) {
        return probe.available() ? gmvae4j.kernels.cuda.CudaBackend.kernels(cpu) : cpu;
    }

    static final String SLOW_PATH_MESSAGE = "gmvae4j: running the scalar kernels (slow): the JVM was started without "
            + "--add-modules jdk.incubator.vector; use ./gmvae or add that flag for SIMD kernels";
}

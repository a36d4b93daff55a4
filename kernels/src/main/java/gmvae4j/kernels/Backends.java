package gmvae4j.kernels;

/**
 * Decides once, at startup, which {@link Kernels} backend the process uses, and says so when
 * the choice is a slow one.
 *
 * <p>Choice: system property {@code gmvae.backend} = {@code auto} (default) | {@code vector} |
 * {@code scalar}. {@code auto} takes the Vector API backend when the {@code jdk.incubator.vector}
 * module is in the boot layer (the {@code ./gmvae} launcher adds it), else the scalar one with a
 * single stderr line explaining how to get the fast path. The Vector API classes are only ever
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

    /** The backend {@code -Dgmvae.backend} asks for (uncached; {@link #get()} caches it). */
    static Kernels fromSystemProperty() {
        return choose(System.getProperty("gmvae.backend", "auto"));
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
            case "auto":
                if (vectorPresent) return VectorSupport.create();
                err.println(SLOW_PATH_MESSAGE);
                return new ScalarKernels();
            default:
                throw new IllegalArgumentException("unknown backend '" + name + "' (expected auto, vector or scalar)");
        }
    }

    static final String SLOW_PATH_MESSAGE = "gmvae4j: running the scalar kernels (slow): the JVM was started without "
            + "--add-modules jdk.incubator.vector; use ./gmvae or add that flag for SIMD kernels";
}

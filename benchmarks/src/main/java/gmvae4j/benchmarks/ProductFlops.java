package gmvae4j.benchmarks;

import gmvae4j.kernels.Kernels;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the FLOPs of the products (the sgemm family) that some work asks of a backend: wrap the
 * backend with {@link #counting}, run the work on the wrapper, read {@link #flops()}. Each call of
 * sgemm, sgemmPacked, sgemmRowBias or rowDots counts 2·m·n·k, tapGemm and tapGradient 2·m·taps·images·npix;
 * everything else (elementwise passes, reductions, Adam) counts nothing and runs as it would.
 *
 * <p>Counted by running the work rather than from a formula, so the figure follows the model as
 * it is (a layer added, a product fused away) without anyone keeping a count in step.
 */
final class ProductFlops {

    /** Added to from whichever thread calls (an op may run kernels inside parallelFor tasks). */
    private final LongAdder flops = new LongAdder();
    private final Kernels view;

    private ProductFlops(Kernels inner) {
        this.view = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, method, args) -> {
                    flops.add(flopsOf(method, args));
                    try {
                        return method.invoke(inner, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A counter around {@code inner}; run the work on {@link #kernels()}. */
    static ProductFlops counting(Kernels inner) { return new ProductFlops(inner); }

    /** The counting backend: every call goes on to the inner one. */
    Kernels kernels() { return view; }

    /** Product FLOPs counted so far. */
    long flops() { return flops.sum(); }

    private static long flopsOf(Method method, Object[] a) {
        return switch (method.getName()) {
            // sgemm(transA, transB, m, n, k, ...)
            case "sgemm" -> 2L * (int) a[2] * (int) a[3] * (int) a[4];
            // sgemmPacked(transA, m, n, k, ...): a product whose B was packed for it
            case "sgemmPacked" -> 2L * (int) a[1] * (int) a[2] * (int) a[3];
            // sgemmRowBias(m, n, k, ...), rowDots(m, n, k, ...)
            case "sgemmRowBias", "rowDots" -> 2L * (int) a[0] * (int) a[1] * (int) a[2];
            // tapGemm(m, taps, images, npix, ...), tapGradient(m, taps, images, npix, ...)
            case "tapGemm", "tapGradient" -> 2L * (int) a[0] * (int) a[1] * (int) a[2] * (int) a[3];
            default -> 0L;
        };
    }
}

package gmvae4j.engine.eval.baseline;

import gmvae4j.engine.eval.Sweep;
import java.util.function.Supplier;

/**
 * A {@link PixelClassifier} as a {@link Sweep.Method}: gathers the labeled images, standardises
 * them with statistics of the labeled subset only (or not, for trees), fits a fresh classifier,
 * and predicts the evaluation images in chunks so a 70,000-image pool never sits in memory as
 * floats. {@code maxN} caps the labeled-set size a baseline is run at (they get expensive at
 * large fractions of big data sets); above it the sweep records the point as skipped.
 */
public final class PixelMethod implements Sweep.Method {
    private static final int CHUNK = 4096;

    private final String name;
    private final Supplier<PixelClassifier> factory;
    /** An unfitted instance, asked for its name and how many cores its fits use. */
    private final PixelClassifier probe;
    private final byte[] pixels;
    private final int dim, numClasses, maxN;
    private final boolean standardize;
    private int fits;

    public PixelMethod(Supplier<PixelClassifier> factory, byte[] pixels, int dim, int numClasses, int maxN,
                       boolean standardize) {
        this.factory = factory;
        this.probe = factory.get();
        this.name = probe.name();
        this.pixels = pixels;
        this.dim = dim;
        this.numClasses = numClasses;
        this.maxN = maxN;
        this.standardize = standardize;
    }

    @Override public String name() { return name; }

    @Override public String skipReason(int n) {
        return n > maxN ? "skipped, more labels than --baseline-max-n " + maxN : null;
    }

    /** A baseline is read up to where it reaches the GMVAE's accuracy ({@link Sweep.Reach}); past that its fits say nothing new. */
    @Override public boolean stopsOncePast() { return true; }

    @Override public boolean oneCore(int n) { return probe.oneCore(n); }

    @Override public int[] predict(int[] labeledIdx, int[] labels, int[] evalIdx) throws Exception {
        return prepare(labeledIdx, labels, evalIdx).call();
    }

    /** The fit's seed is the count of fits prepared before it: fixed in the sweep's order, whichever thread runs the fit. */
    @Override public java.util.concurrent.Callable<int[]> prepare(int[] labeledIdx, int[] labels, int[] evalIdx) {
        long seed = 1000L + fits++;
        return () -> fitAndPredict(labeledIdx, labels, evalIdx, seed);
    }

    private int[] fitAndPredict(int[] labeledIdx, int[] labels, int[] evalIdx, long seed) throws Exception {
        Standardizer st = standardize ? Standardizer.fit(pixels, dim, labeledIdx) : null;
        float[] x = st != null ? st.transform(pixels, dim, labeledIdx, 0, labeledIdx.length)
                : Standardizer.raw(pixels, dim, labeledIdx, 0, labeledIdx.length);
        try (PixelClassifier c = factory.get()) {
            c.fit(x, labeledIdx.length, dim, labels, numClasses, seed);
            int[] out = new int[evalIdx.length];
            for (int from = 0; from < evalIdx.length; from += CHUNK) {
                int to = Math.min(evalIdx.length, from + CHUNK);
                float[] xe = st != null ? st.transform(pixels, dim, evalIdx, from, to) : Standardizer.raw(pixels, dim, evalIdx, from, to);
                System.arraycopy(c.predict(xe, to - from), 0, out, from, to - from);
            }
            return out;
        }
    }
}

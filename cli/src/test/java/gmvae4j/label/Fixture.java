package gmvae4j.label;

import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Glyphs;
import gmvae4j.datasets.Split;
import java.util.Random;

/**
 * Small sessions for the tests without training a model: glyph images and a made-up posterior
 * whose clusters follow the true classes (two clusters per class, a tenth of the images put in
 * a wrong one), so answers and predictions behave like a real model's.
 */
final class Fixture {
    private Fixture() {}

    static LabelImages glyphs(int n) {
        Dataset d = Glyphs.generate(n, Glyphs.TRAIN_SEED, Split.TRAIN);
        return LabelImages.of(d);
    }

    /**
     * The first n MNIST test digits where GMVAE_DATA holds MNIST (the README's screenshots show
     * real digits), else n glyph images: the page tests pass either way.
     */
    static LabelImages mnistOrGlyphs(int n) {
        String data = System.getenv("GMVAE_DATA");
        if (data != null && !data.isBlank() && !data.startsWith("${")) {
            try {
                return LabelImages.of(gmvae4j.datasets.Datasets.load("mnist", Split.TEST, java.nio.file.Path.of(data)).slice(0, n));
            } catch (RuntimeException e) {
                // no MNIST there: glyphs
            }
        }
        return glyphs(n);
    }

    static ModelView model(int[] truth, int numClasses, long seed) {
        int n = truth.length, k = 2 * numClasses;
        Random r = new Random(seed);
        float[] q = new float[n * k];
        double[] central = new double[n];
        for (int i = 0; i < n; i++) {
            int c = r.nextDouble() < 0.1 ? r.nextInt(k) : 2 * truth[i] + r.nextInt(2);
            float rest = 0.3f * r.nextFloat();
            int other = r.nextInt(k);
            q[i * k + c] += 1 - rest;
            q[i * k + other] += rest;
            central[i] = r.nextGaussian();
        }
        return ModelView.of(q, n, k, central);
    }

    /** The view of m a sample of its images would give (every step-th image): the first page's while the rest are read. */
    static ModelView sampleOf(ModelView m, int step) {
        int[] sample = java.util.stream.IntStream.range(0, (m.n() + step - 1) / step).map(j -> j * step).toArray();
        float[] q = new float[sample.length * m.k()];
        double[] central = new double[sample.length];
        for (int j = 0; j < sample.length; j++) {
            System.arraycopy(m.q(), sample[j] * m.k(), q, j * m.k(), m.k());
            central[j] = m.centrality()[sample[j]];
        }
        return ModelView.ofSample(m.n(), sample, q, m.k(), central);
    }
}

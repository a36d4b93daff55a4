package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Glyphs;

import org.junit.jupiter.api.Test;

/** The marginal variant's start ({@link MarginalStart}) and what it is for: training without collapse. */
class MarginalStartTest {

    static final Dataset DATA = Glyphs.generate(1500, 11);

    static TrainOptions small(String start) {
        TrainOptions o = GlyphsTrainingTest.small();
        o.variant = "marginal";
        o.marginalStart = start;
        return o;
    }

    @Test
    void fullStartCentresEveryHeadOnThePretrainedMeanAndFitsQToTheGmm() throws Exception {
        TrainOptions o = small("full");
        o.epochs = 0;
        MarginalGmvae m = (MarginalGmvae) GmvaeTraining.train(TestImages.of(DATA), o, ProgressListener.NONE).model();
        int n = DATA.n(), z = o.z, k = o.k;
        float[] latent = m.latentMeans(DATA.pixels(), n);
        // every component's μ head gives the pretrained code
        for (int i = 0; i < 5; i++) {
            byte[] img = java.util.Arrays.copyOfRange(DATA.pixels(), i * 784, (i + 1) * 784);
            for (int c = 0; c < k; c++) {
                float[] mu = m.latentMean(img, c);
                for (int j = 0; j < z; j++) assertEquals(latent[i * z + j], mu[j], 1e-4, "image " + i + " component " + c);
            }
        }
        // q(c|x) agrees with the GMM (the same k-means + EM the training ran, on the same codes)
        KMeans.Result km = KMeans.fit(latent, n, z, k, o.kmeansIterations, o.seed);
        DiagonalGmm.Fit gmm = DiagonalGmm.fit(latent, n, z, km, o.emSteps, DiagonalGmm.defaultFloor(latent, n, z));
        int[] want = Purity.argmax(DiagonalGmm.responsibilities(latent, n, gmm), n, k);
        int[] got = Purity.argmax(m.posterior(DATA.pixels(), n), n, k);
        int agree = 0;
        for (int i = 0; i < n; i++) if (want[i] == got[i]) agree++;
        assertTrue(agree > 0.8 * n, "q(c|x) agrees with the GMM on " + agree + " of " + n);
    }

    /**
     * The regression: the study's start (random weights, everything joint) collapses; the full
     * start keeps the clusters of the mixture's start. Same data and budget as GlyphsTrainingTest.
     */
    @Test
    void fullStartTrainsWithoutCollapseWhereTheStudysStartCollapses() throws Exception {
        int[] random = new java.util.Random(1).ints(DATA.n(), 0, 26).toArray();
        double chance = Purity.of(random, DATA.labels(), 26, 26).purity();
        TrainResult full = GmvaeTraining.train(TestImages.of(DATA), small("full"), ProgressListener.NONE);
        assertTrue(full.nonEmpty() >= 20, "non-empty " + full.nonEmpty());
        assertTrue(full.purity() > 2 * chance, "purity " + full.purity() + " vs chance " + chance);
        TrainResult none = GmvaeTraining.train(TestImages.of(DATA), small("none"), ProgressListener.NONE);
        assertTrue(none.nonEmpty() < full.nonEmpty() && none.purity() < full.purity(),
                "study's start: " + none.nonEmpty() + " non-empty, purity " + none.purity()
                        + "; full start: " + full.nonEmpty() + ", " + full.purity());
    }
}

package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Datasets;
import gmvae4j.datasets.Split;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real data, small and quick: a mixture GMVAE with K = 20 on the first 4,000 MNIST training
 * images. Reads $GMVAE_DATA/mnist; skipped (loudly) when GMVAE_DATA is unset, failed when it is
 * set but the files are not there. (The full-size run, K = 100 on the 70,000-image pool, is a
 * measurement, not a test: see {@code ./gmvae train --dataset mnist}.)
 */
class MnistGmvaeTest {

    static Path dataDir() {
        String env = System.getenv("GMVAE_DATA");
        if (env == null || env.isBlank() || env.startsWith("${")) {
            System.err.println("\n*** MnistGmvaeTest SKIPPED: GMVAE_DATA is not set, so the MNIST GMVAE test did NOT run."
                    + " Set GMVAE_DATA to the directory holding mnist/ to run it. ***\n");
            Assumptions.abort("GMVAE_DATA is not set");
        }
        Path dir = Path.of(env, "mnist");
        assertTrue(Files.isDirectory(dir), "GMVAE_DATA=" + env + " but " + dir + " is not a directory");
        return dir;
    }

    @Test
    void clustersOfASmallMnistSubsetArePure() throws Exception {
        Path dir = dataDir();
        System.setProperty("gmvae4j.offline", "true");   // a test never downloads
        Dataset data = Datasets.load("mnist", Split.TRAIN, dir).slice(0, 4000);
        TrainOptions o = new TrainOptions();
        o.k = 20;
        o.z = 8;
        o.hidden = new int[] {256};
        o.pretrainEpochs = 4;
        o.epochs = 3;
        o.seed = 1;
        TrainResult r = GmvaeTraining.train(TestImages.of(data), o, ProgressListener.NONE);
        assertEquals(20, r.nonEmpty());
        // measured 0.706 (seed 1); chance (20 random clusters over 10 balanced digits) is about 0.13
        assertTrue(r.purity() > 0.6, "purity " + r.purity());
    }
}

package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Glyphs;
import gmvae4j.engine.NonFiniteException;
import gmvae4j.kernels.Backends;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GmvaeTrainingTest {

    @TempDir Path dir;

    static final Dataset DATA = Glyphs.generate(300, 5);

    /**
     * Bitwise reproducibility on the scalar kernels (the vector backend has its own test below,
     * {@link #vectorKernelsGiveBitwiseTheSameModelColdAndWarm}).
     */
    static TrainOptions deterministic(String variant) {
        TrainOptions o = tiny(variant);
        o.kernels = Backends.choose("scalar");
        return o;
    }

    static TrainOptions tiny(String variant) {
        TrainOptions o = new TrainOptions();
        o.variant = variant;
        o.k = 6;
        o.z = 3;
        o.hidden = new int[] {16};
        o.pretrainEpochs = 1;
        o.epochs = 2;
        o.batch = 64;          // 4 full batches and one of 44
        o.seed = 7;
        return o;
    }

    @Test
    void sameSeedGivesBitwiseTheSameModel() throws Exception {
        for (String variant : new String[] {"mixture", "marginal"}) {
            TrainResult a = GmvaeTraining.train(TestImages.of(DATA), deterministic(variant), ProgressListener.NONE);
            TrainResult b = GmvaeTraining.train(TestImages.of(DATA), deterministic(variant), ProgressListener.NONE);
            assertArrayEquals(a.model().params().data(), b.model().params().data(), variant);
            TrainOptions other = deterministic(variant);
            other.seed = 8;
            TrainResult c = GmvaeTraining.train(TestImages.of(DATA), other, ProgressListener.NONE);
            assertFalse(java.util.Arrays.equals(a.model().params().data(), c.model().params().data()), variant);
        }
    }

    /**
     * The same on the Vector API backend (2 threads), which is what the CLI uses: the first runs in
     * a JVM execute its kernels interpreted / in C1, later ones in C2, so this failed while
     * VectorKernels used lanewise(EXP/LOG/LOG1P/TANH) (Math per lane before C2, SVML after: runs
     * 1-3 differed, 4 and 5 matched). With VectorMath every run must give the same bits.
     */
    @Test
    void vectorKernelsGiveBitwiseTheSameModelColdAndWarm() throws Exception {
        gmvae4j.kernels.Kernels vector = new gmvae4j.kernels.VectorKernels(2);
        for (String variant : new String[] {"mixture", "marginal"}) {
            float[] first = null;
            for (int run = 0; run < 4; run++) {
                TrainOptions o = tiny(variant);
                o.kernels = vector;
                float[] p = GmvaeTraining.train(TestImages.of(DATA), o, ProgressListener.NONE).model().params().data();
                if (first == null) first = p;
                else assertArrayEquals(first, p, variant + ": run " + (run + 1) + " differs from run 1");
            }
        }
    }

    /**
     * experiment trains its two models side by side, each on kernels of its own on one thread
     * ({@link TrainOptions#withKernels}), with one shard: the model must be the one two threads
     * give. The same for two shards (side by side on two threads, one after another on one).
     */
    @Test
    void oneThreadGivesTheModelTwoThreadsGive() throws Exception {
        for (String variant : new String[] {"mixture", "marginal"})
            for (int shards : new int[] {1, 2}) {
                TrainOptions two = tiny(variant);
                two.hidden = new int[] {256, 256};     // products big enough to be split over two threads
                two.shards = shards;
                two.kernels = new gmvae4j.kernels.VectorKernels(2);
                TrainOptions one = two.withKernels(new gmvae4j.kernels.VectorKernels(1));
                assertEquals(2, two.kernels.threads(), "withKernels changed the options it copied");
                assertEquals(1, one.kernels.threads());
                float[] a = GmvaeTraining.train(TestImages.of(DATA), two, ProgressListener.NONE).model().params().data();
                float[] b = GmvaeTraining.train(TestImages.of(DATA), one, ProgressListener.NONE).model().params().data();
                assertArrayEquals(a, b, variant + ", " + shards + " shard(s)");
            }
    }

    @Test
    void convArchitectureTrainsAndSavesEndToEnd() throws Exception {
        TrainOptions o = tiny("mixture");
        o.arch = "conv";
        o.out = dir.resolve("conv.gmvae");
        TrainResult r = GmvaeTraining.train(TestImages.of(DATA), o, ProgressListener.NONE);
        var train = r.history().stream().filter(e -> e.phase().equals("train")).toList();
        assertTrue(train.getLast().terms().get("loss") < train.getFirst().terms().get("loss"));
        TrainableGmvae loaded = GmvaeIo.load(o.out);
        assertEquals("conv", loaded.config().arch());
        assertArrayEquals(r.model().posterior(DATA.pixels(), 10), loaded.posterior(DATA.pixels(), 10));
    }

    /**
     * β weighs the prior terms: the minimised loss of every epoch is rec + β·(z_prior + entropy +
     * cat) of the reported (unweighted) terms, the model differs from β = 1's, the same seed gives
     * the same model, and the marginal variant refuses it.
     */
    @Test
    void betaWeighsThePriorTermsReproduciblyAndOnlyForTheMixture() throws Exception {
        TrainOptions plain = deterministic("mixture"), a = deterministic("mixture"), b = deterministic("mixture");
        a.beta = b.beta = 2.5;
        float[] p1 = GmvaeTraining.train(TestImages.of(DATA), plain, ProgressListener.NONE).model().params().data();
        TrainResult ra = GmvaeTraining.train(TestImages.of(DATA), a, ProgressListener.NONE);
        float[] pb = GmvaeTraining.train(TestImages.of(DATA), b, ProgressListener.NONE).model().params().data();
        assertArrayEquals(ra.model().params().data(), pb);
        assertFalse(java.util.Arrays.equals(p1, pb));
        for (EpochReport e : ra.history()) {
            if (!e.phase().equals("train")) continue;
            var m = e.terms();
            double want = m.get("rec") + 2.5 * (m.get("z_prior") + m.get("entropy") + m.get("cat"));
            assertEquals(want, m.get("loss"), 1e-4 * Math.abs(want), "epoch " + e.epoch());
        }
        // a resumed run takes β as given, and says so when it differs from the checkpoint's
        TrainOptions first = deterministic("mixture");
        first.beta = 2.5;
        first.epochs = 1;
        first.out = dir.resolve("beta.gmvae");
        GmvaeTraining.train(TestImages.of(DATA), first, ProgressListener.NONE);
        java.util.List<String> notes = new java.util.ArrayList<>();
        TrainOptions rest = deterministic("mixture");
        rest.resume = first.out;
        GmvaeTraining.train(TestImages.of(DATA), rest, new ProgressListener() {
            @Override public void message(String line) { notes.add(line); }
        });
        assertTrue(notes.contains("note: the epochs so far ran with beta 2.5, these run with beta 1.0"), notes.toString());
        TrainOptions m = tiny("marginal");
        m.beta = 2;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GmvaeTraining.train(TestImages.of(DATA), m, ProgressListener.NONE));
        assertEquals("beta is only available for the mixture variant", e.getMessage());
    }

    @Test
    void resumingContinuesExactlyAsTheUninterruptedRun() throws Exception {
        TrainResult straight = GmvaeTraining.train(TestImages.of(DATA), deterministic("mixture"), ProgressListener.NONE);
        TrainOptions first = deterministic("mixture");
        first.epochs = 1;
        first.out = dir.resolve("r.gmvae");
        GmvaeTraining.train(TestImages.of(DATA), first, ProgressListener.NONE);
        TrainOptions rest = deterministic("mixture");
        rest.resume = first.out;
        TrainResult resumed = GmvaeTraining.train(TestImages.of(DATA), rest, ProgressListener.NONE);
        assertEquals(2, resumed.epochs());
        assertArrayEquals(straight.model().params().data(), resumed.model().params().data());
    }

    @Test
    void aNaNStopsTrainingNamingTheTerm() throws Exception {
        TrainOptions o = tiny("mixture");
        o.epochs = 0;
        o.out = dir.resolve("nan.gmvae");
        TrainResult r = GmvaeTraining.train(TestImages.of(DATA), o, ProgressListener.NONE);
        r.model().params().get("decoder.0.bias").set(0, Float.NaN);
        GmvaeIo.save(o.out, r.model(), null, java.util.Map.of("epoch", "0"));
        TrainOptions again = tiny("mixture");
        again.resume = o.out;
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> GmvaeTraining.train(TestImages.of(DATA), again, ProgressListener.NONE));
        assertTrue(e.getMessage().startsWith("loss term 'rec' became NaN in train epoch 1 batch 1"), e.getMessage());
    }

    @Test
    void budgetStopsCleanlyAndStillReports() throws Exception {
        TrainOptions o = tiny("mixture");
        o.minutes = 1e-9;   // already spent: no epoch runs, the model is still evaluated and returned
        TrainResult r = GmvaeTraining.train(TestImages.of(DATA), o, ProgressListener.NONE);
        assertTrue(r.stoppedByBudget());
        assertEquals(0, r.epochs());
        assertFalse(Double.isNaN(r.purity()));
    }

    /**
     * The purity pass every N epochs: purity at those epochs and after the last only, the same
     * model as with a pass after every epoch when nothing is re-seeded (this tiny model empties
     * components, and re-seeding happens at the passes: it is turned off here), and the result's
     * purity that of the final model.
     */
    @Test
    void evaluatingEveryFewEpochsReportsThoseAndTheLastAndTrainsTheSameModel() throws Exception {
        TrainOptions every = deterministic("mixture");
        every.epochs = 5;
        TrainOptions sparse = deterministic("mixture");
        sparse.epochs = 5;
        sparse.evaluateEvery = 2;
        every.reseedDead = false;
        sparse.reseedDead = false;
        TrainResult a = GmvaeTraining.train(TestImages.of(DATA), every, ProgressListener.NONE);
        TrainResult b = GmvaeTraining.train(TestImages.of(DATA), sparse, ProgressListener.NONE);
        assertArrayEquals(a.model().params().data(), b.model().params().data());
        assertEquals(a.purity(), b.purity());
        java.util.List<Boolean> shown = b.history().stream().filter(r -> r.phase().equals("train")).map(r -> !Double.isNaN(r.purity())).toList();
        assertEquals(java.util.List.of(false, true, false, true, true), shown, "epochs 2, 4 and the last");
        assertTrue(a.history().stream().filter(r -> r.phase().equals("train")).allMatch(r -> !Double.isNaN(r.purity())));
        TrainOptions none = deterministic("mixture");
        none.epochs = 5;
        none.reseedDead = false;
        none.evaluateEvery = 0;
        TrainResult c = GmvaeTraining.train(TestImages.of(DATA), none, ProgressListener.NONE);
        assertEquals(a.purity(), c.purity(), "with no pass during training the final one still runs");
        assertTrue(c.history().stream().filter(r -> r.phase().equals("train")).allMatch(r -> Double.isNaN(r.purity())));
    }
}

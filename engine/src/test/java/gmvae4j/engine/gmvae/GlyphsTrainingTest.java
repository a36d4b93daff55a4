package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Glyphs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on the embedded glyphs: a small mixture GMVAE learns clusters far purer than chance. */
class GlyphsTrainingTest {

    @TempDir Path dir;

    static TrainOptions small() {
        TrainOptions o = new TrainOptions();
        o.k = 26;
        o.z = 8;
        o.hidden = new int[] {128};
        o.pretrainEpochs = 3;
        o.epochs = 6;
        o.batch = 64;
        o.seed = 3;
        return o;
    }

    @Test
    void lossDecreasesAndClustersBeatChance() throws Exception {
        Dataset d = Glyphs.generate(1500, 11);
        TrainOptions o = small();
        o.out = dir.resolve("g.gmvae");
        List<String> messages = new ArrayList<>();
        TrainResult r = GmvaeTraining.train(TestImages.of(d), o, new ProgressListener() {
            final ConsoleProgress show = new ConsoleProgress(System.out, System.out, false);
            @Override public void epoch(EpochReport e) { show.epoch(e); }
            @Override public void message(String line) { messages.add(line); show.message(line); }
        });
        List<EpochReport> train = r.history().stream().filter(e -> e.phase().equals("train")).toList();
        assertEquals(6, train.size());
        double first = train.getFirst().terms().get("loss"), last = train.getLast().terms().get("loss");
        assertTrue(last < first, "loss " + first + " -> " + last);
        // chance: the purity of the same number of clusters assigned at random (≈ 0.1 here)
        int[] random = new java.util.Random(1).ints(d.n(), 0, o.k).toArray();
        double chance = Purity.of(random, d.labels(), o.k, 26).purity();
        assertTrue(r.purity() > 2 * chance, "purity " + r.purity() + " vs chance " + chance);
        assertTrue(r.nonEmpty() >= 20, "non-empty " + r.nonEmpty());
        assertEquals(6, r.epochs());
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("after init: nonempty")), messages.toString());
        // the checkpoint loads and gives the same posterior
        TrainableGmvae loaded = GmvaeIo.load(o.out);
        assertArrayEquals(r.model().posterior(d.pixels(), 50), loaded.posterior(d.pixels(), 50));
        assertTrue(Files.size(o.out) > 0);
    }
}

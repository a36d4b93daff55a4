package gmvae4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.gmvae.GmvaeIo;
import gmvae4j.engine.gmvae.TrainableGmvae;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    @TempDir Path tmp;

    /** Runs Main with argv; returns {exit code, stdout, stderr}. */
    static String[] run(String... argv) { return CliRun.run(argv).parts(); }

    @Test
    void unknownFlagIsAOneLineUserError() {
        String[] r = run("train", "--dataset", "glyphs", "--out", tmp.resolve("m.gmvae").toString(), "--epoch", "3");
        assertEquals("2", r[0]);
        assertTrue(r[2].startsWith("gmvae train: unknown flag --epoch"), r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
    }

    @Test
    void badValuesAreOneLineUserErrors() {
        String out = tmp.resolve("m.gmvae").toString();
        String[][] cases = {
                {"train", "--dataset", "glyphs", "--out", out, "--variant", "vae"},
                {"train", "--dataset", "glyphs", "--out", out, "--k", "0"},
                {"train", "--dataset", "glyphs", "--out", out, "--hidden", "512,x"},
                {"train", "--dataset", "glyphs"},
                {"train", "--dataset", "glyphs", "--out", out, "--resume"},
                {"train", "--dataset", "glyphs", "--out", out, "--arch", "conv", "--variant", "marginal"},
                {"train", "--dataset", "glyphs", "--out", out, "--lr-decay-every", "0"},
                {"train", "--dataset", "glyphs", "--out", out, "--preset", "fast"},
                {"train", "--dataset", "glyphs", "--out", out, "--preset", "quality", "--variant", "marginal"},
                {"sample", "--model", tmp.resolve("none.gmvae").toString(), "--png", tmp.resolve("x.png").toString()},
        };
        for (String[] c : cases) {
            String[] r = run(c);
            assertEquals("2", r[0], String.join(" ", c) + " -> " + r[2]);
            assertEquals(1, r[2].strip().lines().count(), r[2]);
        }
    }

    @Test
    void lrDecayEveryShortensTheSchedule() throws Exception {
        String[] r = run("train", "--dataset", "glyphs", "--limit", "400", "--k", "8", "--z", "4", "--hidden", "32",
                "--pretrain-epochs", "1", "--epochs", "3", "--batch", "64", "--lr-decay-every", "1",
                "--out", tmp.resolve("d.gmvae").toString());
        assertEquals("0", r[0], r[2]);
        // ×0.9 after every epoch: 2e-3, 1.8e-3, 1.62e-3
        assertTrue(r[1].contains("train 1/3 ") && r[1].lines().anyMatch(l -> l.startsWith("train 2/3 ") && l.contains("lr 1.80e-03"))
                && r[1].lines().anyMatch(l -> l.startsWith("train 3/3 ") && l.contains("lr 1.62e-03")), r[1]);
    }

    @Test
    void qualityPresetTrainsTheConvModelAndGivenFlagsWin() throws Exception {
        String[] tiny = {"--dataset", "glyphs", "--limit", "400", "--k", "8", "--z", "4", "--hidden", "32", "--pretrain-epochs", "1",
                "--batch", "64"};
        // the preset's architecture (its epochs and minutes: PresetTest); --minutes given wins, so it ends in seconds
        String[] r = run(concat(new String[]{"train", "--preset", "quality", "--minutes", "0.03", "--out", tmp.resolve("q.gmvae").toString()}, tiny));
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].lines().anyMatch(l -> l.startsWith("model: ") && l.contains(" conv enc ")), r[1]);
        assertTrue(r[1].contains("stopped by the --minutes budget"), r[1]);
        assertTrue(r[1].contains("beta 3.0: the loss is rec + 3.0 x (z_prior + entropy + cat)"), r[1]);
        assertTrue(r[1].lines().anyMatch(l -> l.startsWith("model: ") && l.contains(" learned π full covariance, ")), r[1]);
        // --arch, --epochs, --beta and --covariance given explicitly win over it
        r = run(concat(new String[]{"train", "--preset", "quality", "--arch", "mlp", "--epochs", "2", "--beta", "1", "--covariance", "diag",
                "--out", tmp.resolve("m.gmvae").toString()}, tiny));
        assertEquals("0", r[0], r[2]);
        assertFalse(r[1].contains("beta "), r[1]);
        assertTrue(r[1].lines().anyMatch(l -> l.startsWith("model: ") && l.contains(" mlp enc ") && !l.contains("covariance")), r[1]);
        assertTrue(r[1].lines().anyMatch(l -> l.startsWith("train 2/2 ")), r[1]);
        // the refusal names the flag the user gave
        r = run("train", "--dataset", "glyphs", "--out", tmp.resolve("x.gmvae").toString(), "--preset", "quality", "--variant", "marginal");
        assertTrue(r[2].contains("--preset quality"), r[2]);
        r = run("train", "--dataset", "glyphs", "--out", tmp.resolve("x.gmvae").toString(), "--preset", "quality", "--arch", "mlp", "--variant", "marginal");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("--preset quality (β = 3) is only available for --variant mixture"), r[2]);
        r = run("train", "--dataset", "glyphs", "--out", tmp.resolve("x.gmvae").toString(), "--preset", "quality", "--arch", "mlp", "--beta", "1",
                "--variant", "marginal");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("--preset quality (full covariance) is only available for --variant mixture"), r[2]);
    }

    @Test
    void theMixtureDefaultIsFullCovariancesAtBetaTwoAndResumeKeepsTheModelsBeta() throws Exception {
        String[] tiny = {"train", "--dataset", "glyphs", "--limit", "400", "--k", "8", "--z", "4", "--hidden", "32", "--pretrain-epochs", "1",
                "--batch", "64"};
        Path m = tmp.resolve("d.gmvae");
        String[] r = run(concat(tiny, new String[]{"--epochs", "1", "--out", m.toString()}));
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].lines().anyMatch(l -> l.startsWith("model: ") && l.contains(" learned π full covariance, ")), r[1]);
        assertTrue(r[1].contains("beta 2.0: the loss is rec + 2.0 x (z_prior + entropy + cat)"), r[1]);
        // the study's model, asked for; resumed without --beta it goes on at its own β = 1, not the default 2
        Path s = tmp.resolve("s.gmvae");
        r = run(concat(tiny, new String[]{"--epochs", "1", "--beta", "1", "--covariance", "diag", "--out", s.toString()}));
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].lines().anyMatch(l -> l.startsWith("model: ") && !l.contains("covariance")) && !r[1].contains("beta "), r[1]);
        r = run(concat(tiny, new String[]{"--epochs", "2", "--resume", "--out", s.toString()}));
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("train 2/2 ") && !r[1].contains("beta "), r[1]);
        // and a β = 2 model resumed goes on at 2, saying nothing; --beta given is taken, with a note
        r = run(concat(tiny, new String[]{"--epochs", "2", "--resume", "--out", m.toString()}));
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("beta 2.0: the loss") && !r[1].contains("note: the epochs so far"), r[1]);
        r = run(concat(tiny, new String[]{"--epochs", "3", "--resume", "--beta", "1", "--out", m.toString()}));
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("note: the epochs so far ran with beta 2.0, these run with beta 1.0"), r[1]);
        // the marginal variant has neither, so it trains without either flag
        r = run(concat(tiny, new String[]{"--epochs", "1", "--variant", "marginal", "--out", tmp.resolve("v.gmvae").toString()}));
        assertEquals("0", r[0], r[2]);
        assertFalse(r[1].contains("beta ") || r[1].contains("full covariance"), r[1]);
    }

    static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void tinyGlyphsRunWritesAModelThatLoadsAndSamples() throws Exception {
        Path model = tmp.resolve("g.gmvae");
        String[] r = run("train", "--dataset", "glyphs", "--limit", "400", "--k", "8", "--z", "4", "--hidden", "32",
                "--pretrain-epochs", "1", "--epochs", "2", "--batch", "64", "--out", model.toString(), "--json");
        assertEquals("0", r[0], r[2]);
        String[] lines = r[1].strip().split("\n");
        String json = lines[lines.length - 1];
        assertTrue(json.startsWith("{\"purity\":0.") && json.contains("\"epochs\":2") && json.contains("\"nonempty\":")
                && json.contains("\"images_per_s\":") && json.contains("\"seconds\":"), json);
        assertTrue(r[1].contains("train 2/2 rec "), r[1]);
        assertTrue(r[1].contains("lr 2.00e-03"), "epoch 2 of 2 still at the base rate (×0.9 every 10): " + r[1]);
        TrainableGmvae m = GmvaeIo.load(model);
        assertEquals(8, m.k());

        // --resume continues to 3 epochs in total
        r = run("train", "--dataset", "glyphs", "--limit", "400", "--k", "8", "--z", "4", "--hidden", "32",
                "--epochs", "3", "--batch", "64", "--out", model.toString(), "--resume", "--json");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("resuming") && r[1].contains("train 3/3 "), r[1]);

        Path png = tmp.resolve("s.png");
        r = run("sample", "--model", model.toString(), "--components", "0,3,7", "--n", "5", "--png", png.toString(),
                "--dataset", "glyphs", "--limit", "200");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("component   size  majority  share"), r[1]);
        var img = ImageIO.read(png.toFile());
        assertEquals(3 * (28 * 2 + 1) + 1, img.getHeight());
        assertTrue(Files.size(png) > 0);

        r = run("sample", "--model", model.toString(), "--components", "8", "--png", tmp.resolve("t.png").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("8 is not a component of this model (0..7)"), r[2]);
    }
}

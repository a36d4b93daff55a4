package gmvae4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.datasets.Glyphs;
import gmvae4j.datasets.Split;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on a tiny glyphs set: experiment, then every command on what it wrote. */
class EndToEndTest {
    @TempDir Path dir;

    @Test void experimentThenEvaluateSelectExplainClassifyBounds() throws Exception {
        Path out = dir.resolve("report");
        CliRun r = CliRun.run("experiment", "--size", "240", "--k", "10", "--epochs", "1",
                "--pretrain-epochs", "1", "--draws", "2", "--fractions", "0.01,0.05,0.2", "--baseline-max-n", "15",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"REPORT.md", "results.json", "results.csv", "accuracy-transductive.png",
                "accuracy-inductive.png", "purity.png", "samples.png", "model-transductive.gmvae",
                "model-inductive.gmvae", "labels.labelmap"})
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        String md = Files.readString(out.resolve("REPORT.md"));
        assertTrue(md.contains("| soft-dot |") || md.contains(" soft-dot |"), md);
        assertTrue(md.contains("skipped"), "baselines above --baseline-max-n are marked skipped");
        String model = out.resolve("model-transductive.gmvae").toString();

        r = CliRun.run("evaluate", "--model", model, "--size", "240", "--draws", "2", "--fractions", "0.05,0.2",
                "--no-baselines", "--out", dir.resolve("eval").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("eval/results.json")));

        r = CliRun.run("select", "--model", model, "--dataset", "glyphs", "--size", "240", "--n", "10",
                "--labelmap", dir.resolve("sel.labelmap").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("random, 3x the size"), r.out());

        r = CliRun.run("explain", "--model", model, "--dataset", "glyphs", "--size", "240", "--index", "5",
                "--fraction", "0.1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("top components") && r.out().contains("hard:") && r.out().contains("soft:"), r.out());

        BufferedImage png = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = Glyphs.generate(1, 9, Split.TEST).pixels();
        for (int i = 0; i < 784; i++) png.getRaster().setSample(i % 28, i / 28, 0, px[i] & 0xff);
        Path img = dir.resolve("x.png");
        ImageIO.write(png, "png", img.toFile());
        r = CliRun.run("classify", "--model", model, "--labelmap", out.resolve("labels.labelmap").toString(), img.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith(img + "\t"), r.out());
        assertEquals(1, r.out().strip().lines().count());

        r = CliRun.run("bounds", "--model", model, "--dataset", "glyphs", "--size", "240", "--trials", "200");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("actual cluster sizes"), r.out());
    }
}

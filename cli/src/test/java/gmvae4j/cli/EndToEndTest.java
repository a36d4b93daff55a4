package gmvae4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.datasets.Glyphs;
import gmvae4j.datasets.Split;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on a tiny glyphs set: experiment, then every command on what it wrote. */
class EndToEndTest {
    /**
     * Small enough for CI, large enough for the GMVAE to beat the pixel baselines at 1 and 2 labels
     * per class (measured: soft-dot 21.9% vs 16.6% at 26 labels, 25.8% vs 23.7% at 52).
     */
    static final String SIZE = "2600";
    @TempDir Path dir;

    @Test void experimentThenEvaluateSelectExplainClassifyBounds() throws Exception {
        Path out = dir.resolve("report");
        // the glyphs demo in miniature: labels counted per class (1, 2 and 4 of 100 images per class)
        CliRun r = CliRun.run("experiment", "--size", SIZE, "--k", "52", "--epochs", "8", "--pretrain-epochs", "3",
                "--protocol", "both", "--draws", "3", "--labels-per-class", "1,2,4", "--baseline-max-n", "60",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"REPORT.md", "results.json", "results.csv", "accuracy-transductive.png",
                "accuracy-inductive.png", "purity.png", "samples.png", "model-transductive.gmvae",
                "model-inductive.gmvae", "labels.labelmap"})
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        String md = Files.readString(out.resolve("REPORT.md"));
        String headline = md.lines().findFirst().orElseThrow();
        assertTrue(headline.matches("With 104 labels \\(4 per class on average\\) the GMVAE names \\d+\\.\\d% of the other 2,496 letters "
                + "correctly \\(latent-prop, transductive\\); logistic regression needs .* labels for that .*, an MLP .*"
                + " and XGBoost .*\\.$"), headline);
        assertEquals(headline, r.out().strip().lines().reduce((a, b) -> b).orElseThrow(),
                "the last stdout line says the result in words, as the report's first line does");
        for (String h : List.of("# gmvae4j label-efficiency report: glyphs", "## Accuracy, transductive protocol",
                "## Accuracy, inductive protocol", "## Label efficiency, transductive protocol", "| labels needed |",
                "## Soft vs hard decoding", "## Coverage bounds", "## Clusters", "## Notes", "## Timings",
                "[1, 2, 4] labels per class"))
            assertTrue(md.contains(h), h);
        assertTrue(md.contains(" soft-dot |") && md.contains(" soft-prop |") && md.contains(" latent-prop |")
                && md.contains(" xgboost |"), md);
        assertTrue(md.contains("| latent neighbours (transductive) |"), "the report times each phase, the latent graph included");
        assertTrue(md.contains("architecture (transductive)") && md.contains("mixture K=52 z=10 mlp enc 784-"),
                "the report names the model it describes");
        assertTrue(md.contains("skipped"), "baselines above --baseline-max-n are marked skipped");
        // the demo's claim at small size: at the smallest label counts soft decoding beats every pixel baseline
        Map<String, Double> mean = new HashMap<>();
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        for (String line : csv.subList(1, csv.size())) {
            String[] c = line.split(",", -1);
            if (c[0].equals("transductive") && !c[4].isEmpty()) mean.put(c[1] + "@" + c[3], Double.parseDouble(c[4]));
        }
        for (String n : List.of("26", "52"))
            for (String d : List.of("soft-dot", "latent-prop"))
                for (String b : List.of("logreg", "mlp", "xgboost"))
                    assertTrue(mean.get(d + "@" + n) > mean.get(b + "@" + n),
                            d + " " + mean.get(d + "@" + n) + " vs " + b + " " + mean.get(b + "@" + n) + " with " + n + " labels");
        // The experiment evaluated each protocol as soon as its model was trained, side by side with
        // the other's training and sweep; each model evaluated alone, one after the other, gives the same rows.
        for (String p : List.of("transductive", "inductive")) {
            Path alone = dir.resolve("alone-" + p);
            r = CliRun.run("evaluate", "--model", out.resolve("model-" + p + ".gmvae").toString(), "--protocol", p,
                    "--size", SIZE, "--draws", "3", "--labels-per-class", "1,2,4", "--baseline-max-n", "60", "--out", alone.toString());
            assertEquals(0, r.code(), r.err());
            List<String> together = csv.stream().filter(l -> l.startsWith(p + ",")).toList();
            assertTrue(together.size() > 10, together.toString());
            assertEquals(together, Files.readAllLines(alone.resolve("results.csv")).stream().filter(l -> l.startsWith(p + ",")).toList());
        }
        String model = out.resolve("model-transductive.gmvae").toString();

        r = CliRun.run("evaluate", "--model", model, "--size", SIZE, "--draws", "2", "--fractions", "0.05,0.2",
                "--no-baselines", "--out", dir.resolve("eval").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("eval/results.json")));

        r = CliRun.run("select", "--model", model, "--dataset", "glyphs", "--size", SIZE, "--n", "10",
                "--labelmap", dir.resolve("sel.labelmap").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("random, 3x the size"), r.out());

        r = CliRun.run("explain", "--model", model, "--dataset", "glyphs", "--size", SIZE, "--index", "5",
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

        r = CliRun.run("bounds", "--model", model, "--dataset", "glyphs", "--size", SIZE, "--trials", "200");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("actual cluster sizes"), r.out());
    }
}

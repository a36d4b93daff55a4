package gmvae4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --arch conv} is a first-class choice of the main job, and {@code --preset quality} picks
 * it: it trains, and the report says so.
 */
class ConvExperimentTest {
    @TempDir Path dir;

    @Test void qualityPresetTrainsTheConvModelAndTheReportNamesIt() throws Exception {
        Path out = dir.resolve("report");
        CliRun r = CliRun.run("experiment", "--preset", "quality", "--size", "600", "--k", "8", "--epochs", "1",
                "--pretrain-epochs", "1", "--protocol", "transductive", "--draws", "1", "--labels-per-class", "2",
                "--no-baselines", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String md = Files.readString(out.resolve("REPORT.md"));
        assertTrue(md.contains("mixture K=8 z=8 conv enc 28x28 conv32-conv64-3136-"), md);   // the preset's latent size
        assertTrue(md.contains("1 pretrain + 1 epochs with beta 3.0 "), md);                  // and its β
        assertTrue(md.contains("learned π full covariance"), md);                            // and its components
        // the saved model names what it was trained on, as `train` records it
        var progress = gmvae4j.engine.gmvae.GmvaeIo.loadAll(out.resolve("model-transductive.gmvae")).contents().progress();
        assertEquals("glyphs", progress.get("dataset"));
        assertEquals("600", progress.get("images"));
        // the saved model is the conv one: evaluate reads the architecture from the file
        CliRun e = CliRun.run("evaluate", "--model", out.resolve("model-transductive.gmvae").toString(), "--size", "600",
                "--draws", "1", "--labels-per-class", "2", "--no-baselines", "--out", dir.resolve("eval").toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(Files.readString(dir.resolve("eval/REPORT.md")).contains(" conv enc 28x28 "));
    }

    @Test void convIsForTheMixtureVariantOnly() {
        CliRun r = CliRun.run("experiment", "--arch", "conv", "--variant", "marginal", "--size", "600",
                "--out", dir.resolve("x").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--arch conv is only available for --variant mixture"), r.err());
        r = CliRun.run("experiment", "--preset", "quality", "--variant", "marginal", "--size", "600",
                "--out", dir.resolve("y").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--preset quality (the conv model) is only available for --variant mixture"), r.err());
    }
}

package gmvae4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code experiment --variant marginal} end to end on tiny glyphs; the report names the variant and its architecture. */
class MarginalExperimentTest {
    @TempDir Path dir;

    @Test void marginalExperimentWritesAReportThatSaysWhichModelMadeIt() throws Exception {
        Path out = dir.resolve("report");
        CliRun r = CliRun.run("experiment", "--variant", "marginal", "--size", "240", "--k", "10", "--epochs", "1",
                "--pretrain-epochs", "1", "--draws", "2", "--fractions", "0.05,0.2", "--no-baselines",
                "--protocol", "transductive", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue((r.out() + r.err()).contains("start: q(c|x) head fitted to the GMM's responsibilities"), r.out() + r.err());
        String md = Files.readString(out.resolve("REPORT.md"));
        assertTrue(md.contains("marginal K=10 z=10 mlp enc 784-512-512 dec 10-512-512-784"), md);
        assertTrue(md.contains("soft-dot"), md);
        Path model = out.resolve("model-transductive.gmvae");
        assertTrue(Files.size(model) > 0);

        // evaluate on the saved model: the report names the loaded model's variant too
        r = CliRun.run("evaluate", "--model", model.toString(), "--size", "240", "--draws", "2", "--fractions", "0.2",
                "--no-baselines", "--out", dir.resolve("eval").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(dir.resolve("eval/REPORT.md")).contains("(loaded): marginal K=10"));
    }
}

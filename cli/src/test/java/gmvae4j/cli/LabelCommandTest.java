package gmvae4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelCommandTest {
    @TempDir Path tmp;

    @Test void simulateOnATinyGlyphModelPrintsOneJsonLinePerRound() {
        Path model = tmp.resolve("g.gmvae");
        CliRun t = CliRun.run("train", "--dataset", "glyphs:600", "--out", model.toString(), "--epochs", "1", "--pretrain-epochs", "1", "--k", "12",
                "--hidden", "64", "--z", "4");
        assertEquals(0, t.code(), t.err());
        CliRun r = CliRun.run("label", "--dataset", "glyphs", "--size", "600", "--model", model.toString(), "--simulate", "--answers", "20",
                "--batch", "4", "--draws", "1", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines.length >= 2, r.out());
        assertTrue(lines[0].startsWith("{\"round\":1,\"answers\":12,"), lines[0]);   // round 1: one per non-empty component (at most K)
        assertTrue(lines[lines.length - 1].contains("\"answers\":20,"), r.out());
        assertTrue(r.err().contains("latent neighbour graph"), r.err());
    }

    @Test void badFlagsAreOneLineAndExitTwo() {
        String[][] cases = {
                {"label", "--images", "/tmp"},
                {"label", "--dataset", "glyphs", "--simulate"},
                {"label", "--dataset", "glyphs", "--port", "70000"},
                {"label", "--dataset", "glyphs", "--rule", "magic"},
                {"label", "--dataset", "glyphs", "--model", tmp.resolve("none.gmvae").toString(), "--simulate"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.run(c);
            assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
            assertEquals(1, r.err().strip().split("\n").length, r.err());
        }
    }
}

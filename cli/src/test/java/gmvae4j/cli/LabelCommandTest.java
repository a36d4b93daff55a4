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

        // The same model on a folder of pictures (class folders: the folder names answer).
        Path dir = tmp.resolve("pictures");
        var glyphs = gmvae4j.datasets.Glyphs.generate(90, gmvae4j.datasets.Glyphs.TRAIN_SEED, gmvae4j.datasets.Split.TRAIN);
        for (int i = 0; i < glyphs.n(); i++) {
            var img = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, 28, 28, java.util.Arrays.copyOfRange(glyphs.pixels(), i * 784, (i + 1) * 784));
            Path f = dir.resolve(glyphs.classNames().get(glyphs.labels()[i])).resolve(i + ".png");
            try {
                java.nio.file.Files.createDirectories(f.getParent());
                javax.imageio.ImageIO.write(img, "png", f.toFile());
            } catch (java.io.IOException e) { throw new AssertionError(e); }
        }
        CliRun f = CliRun.run("label", "--images", dir.toString(), "--no-cache", "--model", model.toString(), "--simulate", "--answers", "15",
                "--batch", "3", "--draws", "1", "--json", "--rule", "soft-dot");
        assertEquals(0, f.code(), f.err());
        assertTrue(f.out().strip().split("\n")[f.out().strip().split("\n").length - 1].contains("\"answers\":15,"), f.out());
    }

    /**
     * A session folder's name reaches the terminal escaped, also inside the note about a journal
     * line torn by a crash (printed before the server binds; the busy port then ends the run).
     */
    @Test void aSessionFolderNameIsEscaped() throws Exception {
        Path session = java.nio.file.Files.createDirectories(tmp.resolve("s\u001b]0;owned\u0007x"));
        java.nio.file.Files.writeString(session.resolve("journal.tsv"), "torn");   // a last line without its newline
        try (var busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRun r = CliRun.run("label", "--dataset", "glyphs", "--size", "300", "--session", session.toString(),
                    "--port", String.valueOf(busy.getLocalPort()));
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("torn by a crash"), r.err());
            assertTrue(r.err().contains("s\\e]0;owned\\x07x"), r.err());
            assertFalse(r.err().contains("\u001b") || r.err().contains("\u0007"), r.err());
        }
    }

    @Test void badFlagsAreOneLineAndExitTwo() {
        String[][] cases = {
                {"label", "--images", tmp.resolve("no-such-folder").toString(), "--model", tmp.resolve("none.gmvae").toString()},
                {"label", "--images", tmp.toString(), "--dataset", "glyphs"},
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
        // a draw count that would run for days is refused before anything is loaded, as in select and experiment
        CliRun r = CliRun.run("label", "--dataset", "glyphs", "--simulate", "--model", tmp.resolve("none.gmvae").toString(),
                "--draws", "2147483647");
        assertEquals("gmvae label: --draws must be in 1..1000, got 2147483647", r.err().strip());
    }
}

package gmvae4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.gmvae.GmvaeIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, section 1: the user's files are sacred. Outputs are checked before any work, an
 * existing file is replaced only when the user says so, and never half-way.
 */
class OutputRulesTest {

    @TempDir Path tmp;

    static final String[] TINY = {"--dataset", "glyphs", "--limit", "200", "--k", "4", "--z", "2", "--hidden", "16",
            "--pretrain-epochs", "1", "--batch", "64"};

    static String[] train(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(List.of(TINY));
        a.addAll(List.of("--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static void oneLineExit2(CliRun r, String expected) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test void experimentRefusesAFolderThatIsNotAReportBeforeAnyWork() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        CliRun r = CliRun.run("experiment", "--dataset", "glyphs", "--out", mine.toString());
        oneLineExit2(r, "not a gmvae4j report");
        assertEquals("keep me", Files.readString(mine.resolve("notes.txt")));
        assertEquals("", r.out(), "refused before training started");
        r = CliRun.run("evaluate", "--model", tmp.resolve("m.gmvae").toString(), "--out", mine.toString());
        oneLineExit2(r, "not a gmvae4j report");
    }

    @Test void experimentRefusesTheCurrentFolderAndAFile() throws Exception {
        oneLineExit2(CliRun.run("experiment", "--dataset", "glyphs", "--out", "."), "current folder");
        Path parentOfCwd = Path.of("").toAbsolutePath().getParent();
        oneLineExit2(CliRun.run("experiment", "--dataset", "glyphs", "--out", parentOfCwd.toString()), "current folder");
        Path f = Files.writeString(tmp.resolve("f.txt"), "x");
        oneLineExit2(CliRun.run("experiment", "--dataset", "glyphs", "--out", f.toString()), "is a file, not a folder");
        oneLineExit2(CliRun.run("experiment", "--dataset", "glyphs", "--out", f.resolve("rep").toString()), "is not a folder");
        oneLineExit2(CliRun.run("experiment", "--dataset", "glyphs", "--out", tmp.resolve("no/such/rep").toString()), "does not exist");
        assertEquals("x", Files.readString(f));
    }

    @Test void trainRefusesToReplaceAModelWithoutForceOrResume() throws Exception {
        Path model = Files.writeString(tmp.resolve("old.gmvae"), "an old model");
        CliRun r = CliRun.run(train(model, "--epochs", "1"));
        oneLineExit2(r, "add --force to replace it");
        assertEquals("an old model", Files.readString(model));
        assertFalse(r.out().contains("data:"), "refused before the data were loaded");
        oneLineExit2(CliRun.run(train(model, "--force", "--resume")), "choose one");
    }

    @Test void trainWithForceReplacesOnlyAtTheEndAndLeavesNoCheckpoint() throws Exception {
        Path model = Files.writeString(tmp.resolve("m.gmvae"), "an old model");
        CliRun r = CliRun.run(train(model, "--epochs", "1", "--force"));
        assertEquals(0, r.code(), r.err());
        assertEquals(4, GmvaeIo.load(model).k());
        assertFalse(Files.exists(TrainCommand.checkpointOf(model)), "the checkpoint became the model");
    }

    /**
     * kill -9 in the middle of training: the model under the user's name must be the old one,
     * the progress so far beside it; --resume continues from that checkpoint.
     */
    @Test void killDashNineMidRunLeavesTheOldModelIntact() throws Exception {
        Path model = tmp.resolve("m.gmvae");
        assertEquals(0, CliRun.run(train(model, "--epochs", "1")).code());
        byte[] old = Files.readAllBytes(model);
        Path partial = TrainCommand.checkpointOf(model);

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(train(model, "--epochs", "1000", "--force")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(partial) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(Files.exists(partial), "a checkpoint beside the target: " + Files.readString(tmp.resolve("log.txt")));
            Thread.sleep(300);   // let it get into the next epoch
        } finally {
            p.destroyForcibly();   // SIGKILL
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertArrayEquals(old, Files.readAllBytes(model), "the old model must be untouched after kill -9");

        // a leftover checkpoint is never silently discarded or overwritten
        Path fresh = tmp.resolve("fresh.gmvae");
        Files.copy(partial, TrainCommand.checkpointOf(fresh));
        oneLineExit2(CliRun.run(train(fresh, "--epochs", "3")), "left from an interrupted run");
        oneLineExit2(CliRun.run(train(model, "--epochs", "3")), "--force");
        // --resume continues from the checkpoint, and the model is replaced when it ends
        CliRun r = CliRun.run(train(model, "--epochs", "3", "--resume"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming from") && r.err().contains("interrupted run"), r.err());
        assertFalse(Files.exists(partial));
        assertEquals(4, GmvaeIo.load(model).k());
    }

    @Test void everyOutputIsCheckedBeforeAnyWork() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Path folder = Files.createDirectories(tmp.resolve("folder"));
        Path model = tmp.resolve("none.gmvae");
        // a folder where a file is needed
        oneLineExit2(CliRun.run(train(folder)), "is a folder");
        oneLineExit2(CliRun.run("sample", "--model", model.toString(), "--png", folder.toString()), "is a folder");
        oneLineExit2(CliRun.run("data", "show", "glyphs", "--index", "0", "--png", folder.toString()), "is a folder");
        // a file where a folder is needed
        oneLineExit2(CliRun.run(train(file.resolve("m.gmvae"))), "is not a folder");
        oneLineExit2(CliRun.run("sample", "--model", model.toString(), "--png", file.resolve("s.png").toString()), "is not a folder");
        // a missing parent
        oneLineExit2(CliRun.run(train(tmp.resolve("no/m.gmvae"))), "does not exist");
        oneLineExit2(CliRun.run("select", "--model", model.toString(), "--dataset", "glyphs",
                "--out", tmp.resolve("no/idx.txt").toString()), "does not exist");
        oneLineExit2(CliRun.run("select", "--model", model.toString(), "--dataset", "glyphs",
                "--labelmap", tmp.resolve("no/m.labelmap").toString()), "does not exist");
        // an existing file without --force
        oneLineExit2(CliRun.run("sample", "--model", model.toString(), "--png", file.toString()), "--force");
        oneLineExit2(CliRun.run("data", "show", "glyphs", "--index", "0", "--png", file.toString()), "--force");
        oneLineExit2(CliRun.run("select", "--model", model.toString(), "--dataset", "glyphs", "--out", file.toString()), "--force");
        assertEquals("x", Files.readString(file));
    }

    /**
     * A folder the user may not write into is refused before any work. Root may write into a
     * folder whose mode says read-only, so the case that runs everywhere (CI runs as root) is
     * /proc/self, where nobody, root included, can create a file; the chmod case runs where we
     * are not root. At least one of them must run: this test never passes by skipping.
     */
    @Test void aFolderWeMayNotWriteIntoIsRefusedBeforeAnyWork() throws Exception {
        List<Path> unwritable = new ArrayList<>();
        Path procSelf = Path.of("/proc/self");
        if (Files.isDirectory(procSelf)) unwritable.add(procSelf);
        Path ro = Files.createDirectories(tmp.resolve("ro"));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && ro.toFile().setWritable(false, false)) unwritable.add(ro);
        assertFalse(unwritable.isEmpty(), "no folder this user cannot write into: neither /proc nor a non-root user");
        try {
            for (Path dir : unwritable) {
                CliRun r = CliRun.run(train(dir.resolve("m.gmvae"), "--epochs", "1"));
                oneLineExit2(r, "the folder " + dir + " is not writable");
                assertEquals("", r.out(), "refused before the data were loaded");
                oneLineExit2(CliRun.run("experiment", "--dataset", "glyphs", "--out", dir.resolve("rep").toString()),
                        "the folder " + dir + " is not writable");
                oneLineExit2(CliRun.run("data", "show", "glyphs", "--index", "0", "--png", dir.resolve("a.png").toString()),
                        "the folder " + dir + " is not writable");
                oneLineExit2(CliRun.run("data", "export", "glyphs", "--to", dir.resolve("pics").toString()),
                        "the folder " + dir + " is not writable");
            }
        } finally {
            ro.toFile().setWritable(true, true);
        }
    }

    @Test void dataShowReplacesAPngOnlyWithForceAndFollowsTheUmask() throws Exception {
        Path png = Files.writeString(tmp.resolve("a.png"), "x");
        Path plain = Files.writeString(tmp.resolve("plain"), "x");
        CliRun r = CliRun.run("data", "show", "glyphs", "--index", "0", "--png", png.toString(), "--force");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(png) > 100);
        Path fresh = tmp.resolve("b.png");
        assertEquals(0, CliRun.run("data", "show", "glyphs", "--index", "0", "--png", fresh.toString()).code());
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(fresh));
    }
}

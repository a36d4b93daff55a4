package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files written by someone else (issue 12 sections 2 and 3): a valid checksum vouches for
 * nothing, so every size is checked against the bytes present before anything is allocated, and
 * every failure is one line naming the file and the field.
 */
class CraftedModelFilesTest {

    @TempDir Path dir;

    static final GmvaeConfig SMALL = new GmvaeConfig("mixture", 3, 2, 4, 4, new int[] {5}, new int[] {5}, "mlp", "relu", false);

    /** A small valid model file, then the same with some config values replaced (checksum recomputed). */
    private Path crafted(String name, Map<String, String> configChanges, Map<String, String> progress) throws IOException {
        Path good = dir.resolve("good.gmvae");
        GmvaeIo.save(good, GmvaeIo.create(SMALL, 1), null, Map.of("epoch", "1"));
        ModelFile.Contents c = ModelFile.read(good);
        Map<String, String> config = new LinkedHashMap<>(c.config());
        config.putAll(configChanges);
        Path f = dir.resolve(name);
        ModelFile.write(f, config, progress, c.params(), c.optimizer());
        return f;
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Loading f fails with one line naming it and saying problem, allocating at most 16 MB. */
    private static String failsSmall(Path f, String problem) throws IOException {
        long before = allocatedBytes();
        ModelFileException e = assertThrows(ModelFileException.class, () -> GmvaeIo.loadAll(f));
        long used = allocatedBytes() - before;
        String m = e.getMessage();
        assertTrue(m.startsWith(f + ": ") && !m.contains("\n") && m.contains(problem), m);
        assertTrue(used < 16_000_000L, "rejecting a " + Files.size(f) + "-byte file allocated " + used + " bytes");
        return m;
    }

    /** Regression: k = 100,000,000 under a valid checksum allocated gigabytes before failing. */
    @Test
    void aHugeKIsRefusedBeforeAllocating() throws IOException {
        Path f = crafted("k.gmvae", Map.of("k", "100000000"), Map.of());
        failsSmall(f, "cannot build the model it describes: parameter 'prior.mu' [100000000, 2] takes the model past");
    }

    /** Regression: hidden widths 40000,40000 (a 6.4 GB layer) from a file of a few hundred bytes. */
    @Test
    void hugeWidthsAreRefusedBeforeAllocating() throws IOException {
        Path f = crafted("w.gmvae", Map.of("hidden", "40000,40000", "decoder_hidden", "40000,40000"), Map.of());
        failsSmall(f, "cannot build the model it describes: parameter 'encoder.0.weight' [16, 40000]");
    }

    /** The same config with the right values loads: the cap is the file's own parameter count. */
    @Test
    void anUntouchedFileStillLoads() throws IOException {
        Path f = crafted("same.gmvae", Map.of(), Map.of("epoch", "1"));
        assertEquals(3, GmvaeIo.load(f).k());
    }

    /**
     * Regression: a 3 GB file given as --model was read whole before its magic was checked. Sparse
     * files take no disk; the 600 MB one is small enough that the old code really read it.
     */
    @Test
    void aHugeFileIsJudgedByItsFirstBytes() throws IOException {
        Path other = dir.resolve("not-a-model.bin");
        try (RandomAccessFile r = new RandomAccessFile(other.toFile(), "rw")) { r.setLength(600L << 20); }
        failsSmall(other, "not a gmvae4j model file (bad magic)");
        Path big = dir.resolve("big.gmvae");
        try (RandomAccessFile r = new RandomAccessFile(big.toFile(), "rw")) {
            r.write(ModelFile.MAGIC);
            r.writeInt(ModelFile.VERSION);
            r.writeLong((3L << 30) - 24);
            r.setLength(3L << 30);
        }
        failsSmall(big, "header claims a body of 3221225448 bytes, the limit is 1073741800");
    }

    /**
     * Regression: --resume on a model whose saved progress is corrupt said {@code For input
     * string: "abc"}; an absurd epoch was accepted and the file rewritten. Now one line names the
     * file and the field, and the file is left as it was.
     */
    @Test
    void corruptProgressStopsResumeBeforeAnythingIsWritten() throws Exception {
        TrainOptions first = GmvaeTrainingTest.tiny("mixture");
        first.epochs = 1;
        first.out = dir.resolve("r.gmvae");
        GmvaeTraining.train(TestImages.of(GmvaeTrainingTest.DATA), first, ProgressListener.NONE);
        ModelFile.Contents c = ModelFile.read(first.out);
        String[][] cases = {
                {"epoch", "abc", "saved progress 'epoch' is not an integer: 'abc'"},
                {"epoch", "2000000000", "saved progress 'epoch' = 2000000000 is outside [0, 1000000]"},
                {"epoch", "-3", "saved progress 'epoch' = -3 is outside [0, 1000000]"},
                {"adam.steps", "x1", "saved progress 'adam.steps' is not an integer: 'x1'"},
                {"adam.steps", "-1", "saved progress 'adam.steps' = -1 is outside"}};
        for (String[] cs : cases) {
            Path f = withProgress(c, cs[0], cs[1]);
            String m = resumeFailsLeaving(f, ModelFileException.class).getMessage();
            assertTrue(m.startsWith(f + ": " + cs[2]) && !m.contains("\n"), m);
        }
        assertFalse(Arrays.asList(dir.toFile().list()).stream().anyMatch(n -> n.contains(".tmp")), "no temporary file left");
    }

    /** The model of c with one progress value replaced (checksum valid). */
    private Path withProgress(ModelFile.Contents c, String key, String value) throws IOException {
        Map<String, String> progress = new LinkedHashMap<>(c.progress());
        progress.put(key, value);
        Path f = dir.resolve("bad-" + key + "-" + value.hashCode() + ".gmvae");
        ModelFile.write(f, c.config(), progress, c.params(), c.optimizer());
        return f;
    }

    /** Resuming from f into f throws a {@code type}, and f is byte for byte what it was. */
    private static <T extends Throwable> T resumeFailsLeaving(Path f, Class<T> type) throws IOException {
        byte[] before = Files.readAllBytes(f);
        TrainOptions again = GmvaeTrainingTest.tiny("mixture");
        again.resume = f;
        again.out = f;
        T e = assertThrows(type, () -> GmvaeTraining.train(TestImages.of(GmvaeTrainingTest.DATA), again, ProgressListener.NONE));
        assertArrayEquals(before, Files.readAllBytes(f), "nothing rewritten: " + f);
        return e;
    }
}

package gmvae4j.datasets.images;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Datasets;
import gmvae4j.datasets.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MNIST's test split written as a class-folder tree of pictures (most as 28x28 grey PNG, every
 * 7th as JPEG, every 5th enlarged to 56x56 RGB on white) reads back as the IDX path gives it:
 * exactly for the PNGs, within a level for the enlarged ones (area averaging of replicated
 * pixels), within JPEG's loss for the JPEGs. Needs GMVAE_DATA (skipped, loudly, without it).
 */
class MnistFolderTest {
    @TempDir Path dir;
    @TempDir Path cache;

    static Path data() {
        String g = System.getenv("GMVAE_DATA");
        if (g == null || g.isBlank() || g.startsWith("${")) {
            System.err.println("*** GMVAE_DATA is not set: MnistFolderTest is SKIPPED, not passed ***");
            return null;
        }
        Path p = Path.of(g);
        String root = System.getProperty("gmvae4j.projectRoot");
        if (!p.isAbsolute() && !Files.isDirectory(p) && root != null) p = Path.of(root).resolve(g).normalize();
        return p;
    }

    /** How each test image is written: 0 = grey PNG, 1 = JPEG, 2 = 56x56 RGB PNG on white. */
    static int kind(int i) { return i % 7 == 3 ? 1 : i % 5 == 0 ? 2 : 0; }

    /** Writes the images as DIR/LABEL/IIIII.ext. */
    static void writeTree(Dataset d, Path root) throws Exception {
        for (int i = 0; i < d.n(); i++) {
            Path cls = root.resolve(Integer.toString(d.labels()[i]));
            String name = String.format("%05d", i);
            switch (kind(i)) {
                case 1 -> Pictures.write(Pictures.grey(d.pixels(), i * 784, 28), "jpg", cls.resolve(name + ".jpg"));
                case 2 -> Pictures.write(Pictures.enlargedOnWhite(d.pixels(), i * 784, 28, 2), "png", cls.resolve(name + ".png"));
                default -> Pictures.write(Pictures.grey(d.pixels(), i * 784, 28), "png", cls.resolve(name + ".png"));
            }
        }
    }

    @Test void theTestSplitAsPicturesMatchesTheIdxPixels() throws Exception {
        Path data = data();
        assumeTrue(data != null, "GMVAE_DATA is not set");
        System.setProperty("gmvae4j.cache", cache.toString());
        Dataset test = Datasets.load("mnist", Split.TEST, data.resolve("mnist"));
        writeTree(test, dir);
        ImageSet s = ImageSets.load(dir, ImageSets.Options.defaults(), null);
        assertEquals(test.n(), s.pool().n());
        assertEquals(0, s.skipped());
        assertEquals(ImageFolder.Layout.CLASSES, s.layout());
        assertEquals(java.util.List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), s.pool().classNames());
        Map<String, Integer> at = new HashMap<>();
        for (int j = 0; j < s.pool().n(); j++) at.put(s.paths().get(j), j);
        long[] absErr = new long[3], count = new long[3];
        int[] maxErr = new int[3];
        for (int i = 0; i < test.n(); i++) {
            int k = kind(i);
            String p = test.labels()[i] + "/" + String.format("%05d", i) + (k == 1 ? ".jpg" : ".png");
            int j = at.get(p);
            assertEquals(test.labels()[i], Integer.parseInt(s.pool().classNames().get(s.pool().labels()[j])), p);
            for (int q = 0; q < 784; q++) {
                int e = Math.abs((test.pixels()[i * 784 + q] & 0xff) - (s.pool().pixels()[j * 784 + q] & 0xff));
                absErr[k] += e;
                maxErr[k] = Math.max(maxErr[k], e);
            }
            count[k] += 784;
        }
        System.err.printf("pixel error vs IDX: png mean %.3f max %d; jpeg mean %.3f max %d; 56x56 rgb mean %.3f max %d%n",
                absErr[0] / (double) count[0], maxErr[0], absErr[1] / (double) count[1], maxErr[1], absErr[2] / (double) count[2], maxErr[2]);
        assertEquals(0, maxErr[0], "grey 28x28 PNG is lossless");
        assertTrue(maxErr[2] <= 1, "56x56 on white: inverted and averaged back within one level, got " + maxErr[2]);
        assertTrue(absErr[1] / (double) count[1] < 4.0, "JPEG (quality 0.75) within its loss: mean " + absErr[1] / (double) count[1]);
    }
}

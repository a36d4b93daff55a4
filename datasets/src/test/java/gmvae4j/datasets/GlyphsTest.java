package gmvae4j.datasets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GlyphsTest {

    @Test
    void sameSeedGivesIdenticalBytesAndDifferentSeedsDiffer() {
        Dataset a = Glyphs.generate(300, 42), b = Glyphs.generate(300, 42), c = Glyphs.generate(300, 43);
        assertArrayEquals(a.pixels(), b.pixels());
        assertArrayEquals(a.labels(), b.labels());
        assertFalse(java.util.Arrays.equals(a.pixels(), c.pixels()));
    }

    @Test
    void shapeNamesAndValueRange() {
        Dataset d = Glyphs.generate(520, 7);
        assertEquals("glyphs", d.name());
        assertEquals(28, d.rows());
        assertEquals(28, d.cols());
        assertEquals(520, d.n());
        assertEquals(26, d.numClasses());
        assertEquals("a", d.classNames().get(0));
        assertEquals("z", d.classNames().get(25));
        for (int i = 0; i < d.n(); i++) {
            int ink = 0, max = 0, border = 0;
            for (int j = 0; j < d.dim(); j++) {
                int v = d.pixels()[i * d.dim() + j] & 0xff;
                if (v > 0) ink++;
                max = Math.max(max, v);
                int r = j / 28, col = j % 28;
                if ((r == 0 || r == 27 || col == 0 || col == 27) && v > 0) border++;
            }
            assertTrue(ink >= 20 && ink <= 500, "image " + i + " has " + ink + " inked pixels");
            assertTrue(max >= 120, "image " + i + " is too faint: max " + max);
            assertEquals(0, border, "image " + i + " touches the border at " + border + " pixels");
            assertTrue(d.labels()[i] >= 0 && d.labels()[i] < 26);
        }
    }

    @Test
    void classesAreBalancedForAnySize() {
        for (int n : new int[]{0, 1, 25, 26, 27, 1000, 2601}) {
            int[] count = new int[26];
            for (int l : Glyphs.generate(n, n).labels()) count[l]++;
            int min = java.util.Arrays.stream(count).min().orElse(0), max = java.util.Arrays.stream(count).max().orElse(0);
            assertTrue(max - min <= 1, "n=" + n + " counts " + java.util.Arrays.toString(count));
        }
    }

    @Test
    void rejectsNegativeCount() {
        assertEquals(0, Glyphs.generate(0, 1).n());
        assertThrows(IllegalArgumentException.class, () -> Glyphs.generate(-1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Glyphs.generate(3_000_000, 1));
        assertTrue(e.getMessage().contains("got 3000000"), e.getMessage());
    }

    /**
     * A real clustering problem: 1-nearest-neighbour on raw pixels must do far better than chance
     * (1/26 ≈ 4%) yet far from perfectly, and images of one class must vary.
     */
    @Test
    void isARealClusteringProblem() {
        Dataset train = Glyphs.generate(2600, 1), test = Glyphs.generate(520, 2);
        int d = train.dim(), correct = 0;
        for (int t = 0; t < test.n(); t++) {
            long best = Long.MAX_VALUE;
            int bestLabel = -1;
            for (int i = 0; i < train.n(); i++) {
                long s = 0;
                for (int j = 0; j < d; j++) {
                    int e = (test.pixels()[t * d + j] & 0xff) - (train.pixels()[i * d + j] & 0xff);
                    s += (long) e * e;
                }
                if (s < best) { best = s; bestLabel = train.labels()[i]; }
            }
            if (bestLabel == test.labels()[t]) correct++;
        }
        double acc = correct / (double) test.n();
        System.out.printf("glyphs 1-NN accuracy on raw pixels (2600 train, 520 test): %.3f%n", acc);
        assertTrue(acc > 0.25, "1-NN accuracy " + acc + " is too close to chance: the glyphs are noise");
        assertTrue(acc < 0.97, "1-NN accuracy " + acc + " is near perfect: the glyphs are too easy");

        // Within-class variance is positive for every class.
        for (int c = 0; c < 26; c++) {
            double[] mean = new double[d];
            int n = 0;
            for (int i = 0; i < train.n(); i++) if (train.labels()[i] == c) {
                n++;
                for (int j = 0; j < d; j++) mean[j] += train.pixels()[i * d + j] & 0xff;
            }
            for (int j = 0; j < d; j++) mean[j] /= n;
            double var = 0;
            for (int i = 0; i < train.n(); i++) if (train.labels()[i] == c)
                for (int j = 0; j < d; j++) { double e = (train.pixels()[i * d + j] & 0xff) - mean[j]; var += e * e; }
            assertTrue(var / n > 1000, "class " + (char) ('a' + c) + " barely varies: " + var / n);
        }
    }

    @Test
    void defaultSizeGeneratesQuickly() {
        long t0 = System.nanoTime();
        Dataset d = Glyphs.generate(Glyphs.TRAIN_N, Glyphs.TRAIN_SEED);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("generated %d glyphs in %.2f s%n", d.n(), s);
        assertEquals(26_000, d.n());
        assertTrue(s < 20, "26,000 glyphs took " + s + " s");
    }
}

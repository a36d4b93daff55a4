package gmvae4j.engine.eval.baseline;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Standardisation statistics from the chosen rows only, applied to any slice of rows. */
class StandardizerTest {

    // 4 images of 3 pixels; pixel 2 is constant (its scale stays 1)
    static final byte[] PX = {0, (byte) 255, 7, 51, 102, 7, (byte) 204, 0, 7, 10, 20, 7};

    @Test
    void fitsOnTheChosenRowsAndTransformsASlice() {
        int[] rows = {2, 0, 1};   // image 3 is not used by fit
        Standardizer s = Standardizer.fit(PX, 3, rows);
        float[] out = s.transform(PX, 3, rows, 1, 3);   // images 0 and 1
        for (int j = 0; j < 3; j++) {
            double m = 0, ss = 0;
            for (int r : rows) m += (PX[r * 3 + j] & 0xff) / 255.0;
            m /= 3;
            for (int r : rows) { double d = (PX[r * 3 + j] & 0xff) / 255.0 - m; ss += d * d; }
            double sd = Math.sqrt(ss / 3), inv = sd * sd > 1e-12 ? 1 / sd : 1;
            for (int i = 0; i < 2; i++) {
                int img = rows[1 + i];
                assertEquals(((PX[img * 3 + j] & 0xff) / 255.0 - m) * inv, out[i * 3 + j], 1e-5, "image " + img + " pixel " + j);
            }
        }
    }

    @Test
    void rawIsPixelsOverTwoFiftyFive() {
        float[] out = Standardizer.raw(PX, 3, new int[] {3, 2, 0}, 1, 3);
        assertArrayEquals(new float[] {204 / 255f, 0f, 7 / 255f, 0f, 1f, 7 / 255f}, out, 1e-7f);
    }
}

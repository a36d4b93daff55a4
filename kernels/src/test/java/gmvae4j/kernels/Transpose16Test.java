package gmvae4j.kernels;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Transpose16Test {

    @Test
    void transposesWithStridesAndLeavesTheRestAlone() {
        Assumptions.assumeTrue(Transpose16.USABLE, "needs 16-lane float vectors");
        int srcStride = 21, dstStride = 32, s = 3, d = 5;
        float[] src = new float[s + 16 * srcStride], dst = new float[d + 16 * dstStride + 7];
        for (int i = 0; i < src.length; i++) src[i] = i;
        java.util.Arrays.fill(dst, -1f);
        Transpose16.transpose(src, s, srcStride, dst, d, dstStride);
        for (int q = 0; q < 16; q++)
            for (int c = 0; c < dstStride; c++) {
                float want = c < 16 ? src[s + c * srcStride + q] : -1f;
                assertEquals(want, dst[d + q * dstStride + c], "row " + q + " lane " + c);
            }
        for (int i = 0; i < d; i++) assertEquals(-1f, dst[i]);
    }

    @Test
    void transposesEightRowsIntoAPanelAndLeavesTheRestAlone() {
        Assumptions.assumeTrue(Transpose16.USABLE, "needs 16-lane float vectors");
        int srcStride = 37, s = 5, d = 3;
        float[] src = new float[s + 8 * srcStride], dst = new float[d + 128 + 9];
        for (int i = 0; i < src.length; i++) src[i] = i;
        java.util.Arrays.fill(dst, -1f);
        Transpose16.transpose8x16(src, s, srcStride, dst, d);
        for (int p = 0; p < 16; p++)
            for (int r = 0; r < 8; r++)
                assertEquals(src[s + r * srcStride + p], dst[d + p * 8 + r], "step " + p + " row " + r);
        for (int i = 0; i < d; i++) assertEquals(-1f, dst[i]);
        for (int i = d + 128; i < dst.length; i++) assertEquals(-1f, dst[i]);
    }
}

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
}

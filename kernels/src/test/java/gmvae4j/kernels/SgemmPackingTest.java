package gmvae4j.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The packed layouts, element by element, against their definition (SgemmPacking's class
 * comment): every value where the micro-kernel will look for it, zeros in a last panel's
 * padding, nothing written past the packed block. The sgemm tests see packing only through
 * products; a value put in the wrong place here would show there as a wrong sum, and this test
 * names the element. Sizes are odd on purpose (partial panels, depths that are not a multiple
 * of 16), and the source arrays end exactly where the block does, so an over-read throws.
 */
class SgemmPackingTest {

    static final int MR = SgemmMicroKernel.MR, NR = SgemmMicroKernel.NR;
    static final float UNTOUCHED = -7777f;

    @Property(tries = 300)
    void packBPutsEveryValueInItsPanel(@ForAll @IntRange(min = 1, max = 140) int kc, @ForAll @IntRange(min = 1, max = 200) int nc,
                                       @ForAll @IntRange(min = 0, max = 9) int p0, @ForAll @IntRange(min = 0, max = 40) int j0,
                                       @ForAll @IntRange(min = 0, max = 13) int pad, @ForAll boolean transB, @ForAll long seed) {
        Random r = new Random(seed);
        int bOff = r.nextInt(4);
        // B row-major k×n (transB: stored n×k); the block needs rows up to p0+kc (or j0+nc) only
        int ldb = transB ? p0 + kc + pad : j0 + nc + pad;
        int rows = transB ? j0 + nc : p0 + kc;
        float[] b = new float[bOff + (rows - 1) * ldb + (transB ? p0 + kc : j0 + nc)];
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
        int panels = (nc + NR - 1) / NR;
        float[] dst = new float[panels * NR * kc + 5];
        java.util.Arrays.fill(dst, UNTOUCHED);
        SgemmPacking.packB(transB, b, bOff, ldb, p0, kc, j0, nc, dst, 0);
        for (int p = 0; p < kc; p++)
            for (int j = 0; j < panels * NR; j++) {
                float want = j >= nc ? 0f : transB ? b[bOff + (j0 + j) * ldb + p0 + p] : b[bOff + (p0 + p) * ldb + j0 + j];
                float got = dst[j / NR * NR * kc + p * NR + j % NR];
                if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(want))
                    fail((transB ? "T" : "N") + " kc=" + kc + " nc=" + nc + " p0=" + p0 + " j0=" + j0 + ": op(B)[" + p + "," + j
                            + "] packed as " + got + ", want " + want);
            }
        for (int i = panels * NR * kc; i < dst.length; i++)
            if (dst[i] != UNTOUCHED) fail("packB wrote past the block at " + i);
    }

    @Property(tries = 300)
    void packAPutsEveryValueInItsPanel(@ForAll @IntRange(min = 1, max = 140) int kc, @ForAll @IntRange(min = 1, max = 70) int mc,
                                       @ForAll @IntRange(min = 0, max = 9) int p0, @ForAll @IntRange(min = 0, max = 20) int i0,
                                       @ForAll @IntRange(min = 0, max = 13) int pad, @ForAll boolean transA, @ForAll long seed) {
        Random r = new Random(seed);
        int aOff = r.nextInt(4), d0 = r.nextInt(6);
        // A row-major m×k (transA: stored k×m)
        int lda = transA ? i0 + mc + pad : p0 + kc + pad;
        int rows = transA ? p0 + kc : i0 + mc;
        float[] a = new float[aOff + (rows - 1) * lda + (transA ? i0 + mc : p0 + kc)];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
        int panels = (mc + MR - 1) / MR;
        float[] dst = new float[d0 + panels * MR * kc + 5];
        java.util.Arrays.fill(dst, UNTOUCHED);
        SgemmPacking.packA(transA, a, aOff, lda, i0, mc, p0, kc, dst, d0);
        for (int i = 0; i < panels * MR; i++)
            for (int p = 0; p < kc; p++) {
                float want = i >= mc ? 0f : transA ? a[aOff + (p0 + p) * lda + i0 + i] : a[aOff + (i0 + i) * lda + p0 + p];
                float got = dst[d0 + i / MR * MR * kc + p * MR + i % MR];
                if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(want))
                    fail((transA ? "T" : "N") + " kc=" + kc + " mc=" + mc + " p0=" + p0 + " i0=" + i0 + ": op(A)[" + i + "," + p
                            + "] packed as " + got + ", want " + want);
            }
        for (int i = 0; i < dst.length; i++)
            if ((i < d0 || i >= d0 + panels * MR * kc) && dst[i] != UNTOUCHED) fail("packA wrote outside the block at " + i);
    }
}

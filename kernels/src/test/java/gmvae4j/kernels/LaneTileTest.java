package gmvae4j.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The kernels of {@link BatchLanes}: {@link Kernels#laneTile} (the Vector API tile, {@link LaneTile},
 * against its scalar twin and both against a double-precision sum; zero to seven segments, odd
 * depths, segments anywhere; {@link ChannelLanes} runs it too), and the two layout changes {@link Kernels#toLanes} and
 * {@link Kernels#fromLanes} (copies: the vector kernels equal their twins to the bit; partial
 * halves of the lanes, pixel runs past the last whole 16, every write mode), each writing nothing
 * outside what it should.
 */
class LaneTileTest {

    static final Kernels SCALAR = new ScalarKernels(), VECTOR = new VectorKernels(1);

    @Property(tries = 200)
    void tileMatchesTheScalarTwinAndTheExactSum(@ForAll @IntRange(min = 0, max = 7) int nseg, @ForAll @IntRange(min = 1, max = 70) int kc,
                                                @ForAll @IntRange(min = 0, max = 300) int o, @ForAll long seed) {
        Random r = new Random(seed);
        float[] a = TapGemmTest.rand(r, 8 * kc * 3 + 50), b = TapGemmTest.rand(r, 32 * kc * 3 + 50);
        int[] segA = new int[nseg], segB = new int[nseg];
        for (int s = 0; s < nseg; s++) { segA[s] = r.nextInt(a.length - 8 * kc + 1); segB[s] = r.nextInt(b.length - 32 * kc + 1); }
        float[] out0 = TapGemmTest.rand(r, o + 256 + 40), os = out0.clone(), ov = out0.clone();
        SCALAR.laneTile(nseg, segA, segB, kc, a, b, os, o);
        VECTOR.laneTile(nseg, segA, segB, kc, a, b, ov, o);
        for (int i = 0; i < out0.length; i++) {
            if (i < o || i >= o + 256) {
                if (os[i] != out0[i] || ov[i] != out0[i]) fail("written outside the tile at " + i);
                continue;
            }
            int row = (i - o) / 32, lane = (i - o) % 32;
            double exact = 0, mag = 0;
            for (int s = 0; s < nseg; s++)
                for (int p = 0; p < kc; p++) {
                    double v = (double) a[segA[s] + 8 * p + row] * b[segB[s] + 32 * p + lane];
                    exact += v;
                    mag += Math.abs(v);
                }
            TapGemmTest.check(exact, mag, nseg * kc, os[i], ov[i], "nseg=" + nseg + " kc=" + kc + " (" + row + "," + lane + ")");
        }
    }

    @Property(tries = 150)
    void toLanesEqualsItsTwin(@ForAll @IntRange(min = 1, max = 32) int images, @ForAll @IntRange(min = 1, max = 5) int channels,
                              @ForAll @IntRange(min = 1, max = 40) int pixels, @ForAll @IntRange(min = 0, max = 20) int extra,
                              @ForAll long seed) {
        Random r = new Random(seed);
        int imgStride = channels * pixels + extra, sOff = extra % 7, dOff = extra % 5, ps = channels * 32 + extra;
        float[] src = TapGemmTest.rand(r, sOff + 32 * imgStride);
        float[] d0 = TapGemmTest.rand(r, dOff + pixels * ps + 30), ds = d0.clone(), dv = d0.clone();
        SCALAR.toLanes(src, sOff, imgStride, images, channels, pixels, ds, dOff, ps);
        VECTOR.toLanes(src, sOff, imgStride, images, channels, pixels, dv, dOff, ps);
        assertArrayEquals(ds, dv, "images=" + images + " channels=" + channels + " pixels=" + pixels);
        boolean[] inside = new boolean[d0.length];
        for (int q = 0; q < pixels; q++)
            for (int c = 0; c < channels; c++)
                for (int l = 0; l < 32; l++) {
                    int d = dOff + q * ps + c * 32 + l;
                    inside[d] = true;
                    float want = l < images ? src[sOff + l * imgStride + c * pixels + q] : 0f;
                    if (ds[d] != want) fail("lane " + l + " channel " + c + " pixel " + q + ": " + ds[d] + " want " + want);
                }
        for (int i = 0; i < d0.length; i++)
            if (!inside[i] && dv[i] != d0[i]) fail("written outside the lanes at " + i);
    }

    @Property(tries = 150)
    void fromLanesEqualsItsTwin(@ForAll @IntRange(min = 1, max = 32) int images, @ForAll @IntRange(min = 1, max = 5) int channels,
                                @ForAll @IntRange(min = 1, max = 40) int pixels, @ForAll @IntRange(min = 0, max = 20) int extra,
                                @ForAll @IntRange(min = 0, max = 2) int mode, @ForAll long seed) {
        Random r = new Random(seed);
        boolean overwrite = mode > 0;
        int chanStride = pixels + extra % 9, imgStride = channels * chanStride + extra, ps = channels * 32 + extra % 4;
        int sOff = extra % 3, dOff = extra % 6;
        float[] src = TapGemmTest.rand(r, sOff + pixels * ps), bias = mode == 2 ? TapGemmTest.rand(r, channels) : null;
        float[] d0 = TapGemmTest.rand(r, dOff + 32 * imgStride + 20), ds = d0.clone(), dv = d0.clone();
        SCALAR.fromLanes(src, sOff, ps, images, channels, pixels, bias, overwrite, ds, dOff, imgStride, chanStride);
        VECTOR.fromLanes(src, sOff, ps, images, channels, pixels, bias, overwrite, dv, dOff, imgStride, chanStride);
        assertArrayEquals(ds, dv, "images=" + images + " channels=" + channels + " pixels=" + pixels + " mode=" + mode);
        float[] want = d0.clone();
        for (int l = 0; l < images; l++)
            for (int c = 0; c < channels; c++)
                for (int q = 0; q < pixels; q++) {
                    float v = src[sOff + q * ps + c * 32 + l];
                    int d = dOff + l * imgStride + c * chanStride + q;
                    want[d] = overwrite ? v + (bias == null ? 0f : bias[c]) : d0[d] + v;
                }
        if (!Arrays.equals(want, ds)) fail("scalar twin differs from the definition, mode " + mode);
    }
}

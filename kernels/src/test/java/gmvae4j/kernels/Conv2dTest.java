package gmvae4j.kernels;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Conv2d} (im2col + sgemm, on the vector backend with 1 and 2 threads and on the scalar
 * backend) against the direct loops of {@link Conv2dReference}, which sum in double.
 *
 * <p>Tolerance: each output is a float32 sum of at most T = inC·kH·kW (forward), outC·kH·kW
 * (backward input) or batch·outH·outW (weight) products; we allow (T + 4)·1e-6·Σ|terms| with
 * Σ|terms| bounded by T·max|a|·max|b|, plus the same for the value accumulated into. Random
 * values are standard normal, so in practice we use (T + 4)·1e-6·(T·16 + |start|).
 */
class Conv2dTest {

    static final Kernels[] BACKENDS = {new VectorKernels(1), new VectorKernels(2), new ScalarKernels()};

    static float[] rand(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    static void close(float[] want, float[] got, int terms, String what) {
        double tol = (terms + 4) * 1e-6 * (terms * 16.0 + 4);
        // the magnitude bound above is loose; tighten with the actual spread of want
        double scale = 0;
        for (float v : want) scale = Math.max(scale, Math.abs(v));
        tol = Math.min(tol, (terms + 4) * 1e-6 * (scale + 4) * 4);
        for (int i = 0; i < want.length; i++)
            if (!(Math.abs(want[i] - got[i]) <= tol))
                fail(what + ": index " + i + " want " + want[i] + " got " + got[i] + " tol " + tol);
    }

    static void checkAll(ConvShape s, long seed) {
        Random r = new Random(seed);
        int inLen = s.batch() * s.inC() * s.inH() * s.inW();
        int outLen = s.batch() * s.outC() * s.outH() * s.outW();
        int wLen = s.outC() * s.inC() * s.kH() * s.kW();
        float[] x = rand(r, inLen), w = rand(r, wLen), bias = rand(r, s.outC()), gy = rand(r, outLen);
        float[] gx0 = rand(r, inLen), gw0 = rand(r, wLen), gb0 = rand(r, s.outC());

        float[] y = new float[outLen];
        Conv2dReference.forward(s, x, w, bias, y);
        float[] gx = gx0.clone(), gw = gw0.clone(), gb = gb0.clone();
        Conv2dReference.backwardInput(s, gy, w, gx);
        Conv2dReference.backwardWeight(s, x, gy, gw, gb);

        int tf = s.inC() * s.kH() * s.kW(), tb = s.outC() * s.kH() * s.kW(), tw = s.batch() * s.outH() * s.outW();
        for (Kernels k : BACKENDS) {
            String who = s + " on " + k.name() + "/" + k.threads();
            float[] y2 = rand(r, outLen);
            Conv2d.forward(k, s, x, w, bias, y2);
            close(y, y2, tf, "forward " + who);
            float[] gx2 = gx0.clone(), gw2 = gw0.clone(), gb2 = gb0.clone();
            Conv2d.backwardInput(k, s, gy, w, gx2);
            close(gx, gx2, tb, "backwardInput " + who);
            Conv2d.backwardWeight(k, s, x, gy, gw2, gb2);
            close(gw, gw2, tw, "backwardWeight " + who);
            close(gb, gb2, tw, "bias grad " + who);
        }
    }

    static void checkTransposed(ConvShape s, long seed) {
        Random r = new Random(seed);
        int oh = s.transposedOutH(), ow = s.transposedOutW();
        int inLen = s.batch() * s.inC() * s.inH() * s.inW(), outLen = s.batch() * s.outC() * oh * ow;
        int wLen = s.inC() * s.outC() * s.kH() * s.kW();
        float[] x = rand(r, inLen), w = rand(r, wLen), bias = rand(r, s.outC()), gy = rand(r, outLen);
        float[] gx0 = rand(r, inLen), gw0 = rand(r, wLen), gb0 = rand(r, s.outC());

        float[] y = new float[outLen];
        Conv2dReference.transposedForward(s, x, w, bias, y);
        float[] gx = gx0.clone(), gw = gw0.clone(), gb = gb0.clone();
        Conv2dReference.transposedBackwardInput(s, gy, w, gx);
        Conv2dReference.transposedBackwardWeight(s, x, gy, gw, gb);

        int tf = s.inC() * s.kH() * s.kW(), tb = s.outC() * s.kH() * s.kW(), tw = s.batch() * s.inH() * s.inW();
        for (Kernels k : BACKENDS) {
            String who = "transposed " + s + " on " + k.name() + "/" + k.threads();
            float[] y2 = rand(r, outLen);
            Conv2d.transposedForward(k, s, x, w, bias, y2);
            close(y, y2, tf, "forward " + who);
            float[] gx2 = gx0.clone(), gw2 = gw0.clone(), gb2 = gb0.clone();
            Conv2d.transposedBackwardInput(k, s, gy, w, gx2);
            close(gx, gx2, tb, "backwardInput " + who);
            Conv2d.transposedBackwardWeight(k, s, x, gy, gw2, gb2);
            close(gw, gw2, tw, "backwardWeight " + who);
            close(gb, gb2, tw, "bias grad " + who);
        }
    }

    @Property(tries = 60)
    void randomConvolutions(@ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 5) int inC,
                            @ForAll @IntRange(min = 1, max = 13) int inH, @ForAll @IntRange(min = 1, max = 13) int inW,
                            @ForAll @IntRange(min = 1, max = 6) int outC, @ForAll @IntRange(min = 1, max = 5) int kH,
                            @ForAll @IntRange(min = 1, max = 5) int kW, @ForAll @IntRange(min = 1, max = 3) int stride,
                            @ForAll @IntRange(min = 0, max = 2) int pad, @ForAll long seed) {
        if (inH + 2 * pad < kH || inW + 2 * pad < kW) return;
        checkAll(new ConvShape(batch, inC, inH, inW, outC, kH, kW, stride, pad), seed);
    }

    @Property(tries = 60)
    void randomTransposedConvolutions(@ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 5) int inC,
                                      @ForAll @IntRange(min = 1, max = 9) int inH, @ForAll @IntRange(min = 1, max = 9) int inW,
                                      @ForAll @IntRange(min = 1, max = 6) int outC, @ForAll @IntRange(min = 1, max = 5) int kH,
                                      @ForAll @IntRange(min = 1, max = 5) int kW, @ForAll @IntRange(min = 1, max = 3) int stride,
                                      @ForAll @IntRange(min = 0, max = 2) int pad, @ForAll long seed) {
        if ((inH - 1) * stride - 2 * pad + kH < 1 || (inW - 1) * stride - 2 * pad + kW < 1) return;
        checkTransposed(new ConvShape(batch, inC, inH, inW, outC, kH, kW, stride, pad), seed);
    }

    /** From 8 input channels the backward-input pass runs by phases (Conv2d.phased): odd sizes, every stride and pad. */
    @Property(tries = 25)
    void randomDeepConvolutions(@ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 8, max = 9) int inC,
                                @ForAll @IntRange(min = 1, max = 11) int inH, @ForAll @IntRange(min = 1, max = 11) int inW,
                                @ForAll @IntRange(min = 1, max = 10) int outC, @ForAll @IntRange(min = 1, max = 5) int kH,
                                @ForAll @IntRange(min = 1, max = 5) int kW, @ForAll @IntRange(min = 1, max = 3) int stride,
                                @ForAll @IntRange(min = 0, max = 2) int pad, @ForAll long seed) {
        if (inH + 2 * pad < kH || inW + 2 * pad < kW) return;
        checkAll(new ConvShape(batch, inC, inH, inW, outC, kH, kW, stride, pad), seed);
    }

    /** The transposed convolution's forward pass by phases: from 8 output channels (its convolution's input). */
    @Property(tries = 25)
    void randomDeepTransposedConvolutions(@ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 9) int inC,
                                          @ForAll @IntRange(min = 1, max = 7) int inH, @ForAll @IntRange(min = 1, max = 7) int inW,
                                          @ForAll @IntRange(min = 8, max = 9) int outC, @ForAll @IntRange(min = 1, max = 5) int kH,
                                          @ForAll @IntRange(min = 1, max = 5) int kW, @ForAll @IntRange(min = 1, max = 3) int stride,
                                          @ForAll @IntRange(min = 0, max = 2) int pad, @ForAll long seed) {
        if ((inH - 1) * stride - 2 * pad + kH < 1 || (inW - 1) * stride - 2 * pad + kW < 1) return;
        checkTransposed(new ConvShape(batch, inC, inH, inW, outC, kH, kW, stride, pad), seed);
    }

    @Example
    void modelLikeShapes() {
        // the conv model's own layers (4×4 stride 2), batches that leave a partial image group
        checkAll(new ConvShape(13, 1, 28, 28, 32, 4, 4, 2, 1), 21);
        checkAll(new ConvShape(13, 32, 14, 14, 64, 4, 4, 2, 1), 22);
        checkTransposed(new ConvShape(13, 64, 7, 7, 32, 4, 4, 2, 1), 23);
        checkTransposed(new ConvShape(13, 32, 14, 14, 1, 4, 4, 2, 1), 24);
        checkAll(new ConvShape(3, 1, 28, 28, 8, 3, 3, 1, 1), 1);        // first layer, pad 1
        checkAll(new ConvShape(2, 8, 14, 14, 16, 3, 3, 1, 1), 2);
        checkAll(new ConvShape(2, 8, 15, 17, 5, 4, 4, 2, 1), 3);        // odd sizes, stride 2
        checkAll(new ConvShape(17, 3, 7, 7, 4, 1, 1, 1, 0), 4);         // 1×1 fast path, >2 image groups
        checkAll(new ConvShape(10, 2, 9, 9, 3, 3, 3, 2, 0), 5);
        checkAll(new ConvShape(2, 3, 5, 9, 4, 5, 3, 1, 1), 11);        // output as wide as input, fewer rows
        checkAll(new ConvShape(2, 2, 4, 6, 3, 3, 5, 1, 2), 12);        // as wide, more rows (all-padding rows)
        checkAll(new ConvShape(1, 2, 1, 7, 2, 3, 3, 1, 1), 13);        // a single image row
        checkAll(new ConvShape(10, 1, 9, 11, 32, 3, 3, 1, 0), 14);      // few taps, wide outC: weight grad computed transposed
        // the direct weight gradient (Conv2d.directWeight): 3×3 "same", few channels, a partial last
        // vector (63 pixels) and a last image group of two; 784 pixels, three channels
        checkAll(new ConvShape(10, 1, 7, 9, 32, 3, 3, 1, 1), 19);
        checkAll(new ConvShape(9, 3, 28, 28, 6, 3, 3, 1, 1), 20);
        checkAll(new ConvShape(3, 2, 5, 5, 64, 2, 2, 1, 0), 15);
        // few taps over many pixels: the weight gradient as row dot products (Conv2d.ROW_DOTS_*), with
        // edge rows (outC 7 = 4 + 3, 5 = 4 + 1), an edge column (4 taps = 3 + 1), vector tails (575, 529
        // pixels) and more than one image group
        checkAll(new ConvShape(10, 3, 25, 27, 7, 3, 3, 1, 0), 16);
        // the direct forward pass (Conv2d.direct): one channel, 3×3 "same", odd sizes, outC 7 = 4 + 3
        checkAll(new ConvShape(3, 1, 13, 11, 7, 3, 3, 1, 1), 18);
        checkAll(new ConvShape(9, 1, 24, 24, 5, 2, 2, 1, 0), 17);
        checkTransposed(new ConvShape(3, 16, 7, 7, 8, 4, 4, 2, 1), 6);   // 7 -> 14
        checkTransposed(new ConvShape(2, 8, 14, 14, 1, 4, 4, 2, 1), 7);  // 14 -> 28
        checkTransposed(new ConvShape(9, 3, 5, 5, 2, 1, 1, 1, 0), 8);
    }

    /**
     * Batches of 32 and more: the passes with the images in the vector lanes ({@link BatchLanes}) on
     * the vector backend (the scalar backend keeps the other routes, so the two are compared here
     * through the reference): a partial last block of lanes, odd sizes, strides 1 to 3, input
     * channels 8 and 16 (whole tiles), and the conv model's own 32→64 layer and its mirror. Both of
     * {@link BatchLanes}' ways to share out the blocks: a block a task where the blocks share out
     * evenly over the threads (one thread always), and the runs of all blocks shared out where they
     * do not (one block or three on two threads).
     */
    @Example
    void batchLanesShapes() {
        if (LaneTile.USABLE && (!BatchLanes.applies(BACKENDS[0], new ConvShape(32, 8, 5, 5, 8, 3, 3, 1, 1))
                || !BatchLanes.appliesForward(BACKENDS[0], new ConvShape(40, 16, 6, 5, 8, 3, 3, 1, 1))
                || BatchLanes.appliesForward(BACKENDS[0], new ConvShape(32, 8, 8, 4, 8, 3, 3, 1, 1))))
            fail("the lanes route does not apply where the test expects it");
        checkAll(new ConvShape(33, 8, 9, 7, 16, 4, 4, 2, 1), 41);       // one image past a block; 9×7 → 4×3 (odd)
        checkAll(new ConvShape(40, 16, 6, 5, 8, 3, 3, 1, 1), 42);       // stride 1, 30 pixels: forward by lanes too
        checkAll(new ConvShape(32, 8, 8, 4, 8, 3, 3, 1, 1), 50);        // stride 1, one whole panel of 32 pixels: forward by planes
        checkAll(new ConvShape(64, 8, 11, 10, 24, 5, 5, 3, 2), 43);     // stride 3, pad 2, two whole blocks
        checkAll(new ConvShape(32, 32, 14, 14, 64, 4, 4, 2, 1), 44);    // the conv model's second layer
        checkTransposed(new ConvShape(35, 64, 7, 7, 32, 4, 4, 2, 1), 45);   // its mirror in the decoder
        checkTransposed(new ConvShape(37, 8, 5, 4, 16, 3, 3, 2, 0), 46);
        checkAll(new ConvShape(65, 8, 6, 6, 8, 3, 3, 1, 1), 49);        // three blocks, the last of one image
    }

    @Example
    void channelLanesShapes() {
        if (!ChannelLanes.applies(BACKENDS[0], new ConvShape(19, 32, 9, 11, 8, 3, 3, 2, 1)) && LaneTile.USABLE)
            fail("the channel-lanes weight gradient does not apply where the test expects it");
        checkAll(new ConvShape(19, 32, 9, 11, 8, 3, 3, 2, 1), 51);       // odd sides, groups of 16 (5-pixel rows): a last group of 3, one tile of 8
        checkAll(new ConvShape(11, 32, 14, 14, 8, 3, 3, 1, 1), 57);      // 14-pixel rows: groups of 8, the last of 3
        assertEquals(8, ChannelLanes.imagesPerGroup(14));
        assertEquals(16, ChannelLanes.imagesPerGroup(7));
        checkAll(new ConvShape(24, 64, 14, 14, 16, 4, 4, 2, 1), 52);     // two blocks of 32 input channels
        checkAll(new ConvShape(9, 32, 10, 7, 24, 5, 5, 3, 2), 53);       // stride 3, pad 2: taps with empty ranges
        checkAll(new ConvShape(10, 32, 8, 8, 8, 2, 2, 2, 0), 54);        // no padding
        checkTransposed(new ConvShape(13, 64, 7, 7, 32, 4, 4, 2, 1), 55);   // the decoder's 64→32 layer
        sameBits(new ConvShape(21, 32, 14, 14, 16, 4, 4, 2, 1), 56);
    }

    @Example
    void batchLanesSameBitsForOneAndTwoThreads() {
        sameBits(new ConvShape(70, 16, 9, 9, 8, 4, 4, 2, 1), 47);
        sameBits(new ConvShape(33, 8, 7, 6, 16, 3, 3, 1, 1), 48);
    }

    @Example
    void sameBitsForOneAndTwoThreads() {
        // the direct one-channel passes (image by image) and a 4×4/2 layer over tap planes (by groups)
        sameBits(new ConvShape(13, 1, 28, 28, 8, 3, 3, 1, 1), 31);
        sameBits(new ConvShape(13, 1, 28, 28, 8, 4, 4, 2, 1), 32);
        sameBits(new ConvShape(20, 3, 12, 12, 6, 3, 3, 1, 1), 9);
    }

    private static void sameBits(ConvShape s, long seed) {
        Random r = new Random(seed);
        int inLen = s.batch() * s.inC() * s.inH() * s.inW(), outLen = s.batch() * s.outC() * s.outH() * s.outW();
        int wLen = s.outC() * s.inC() * s.kH() * s.kW();
        float[] x = rand(r, inLen), w = rand(r, wLen), gy = rand(r, outLen);
        float[][] gw = new float[2][wLen], y = new float[2][outLen], gx = new float[2][inLen];
        for (int t = 0; t < 2; t++) {
            Kernels k = BACKENDS[t];
            Conv2d.forward(k, s, x, w, null, y[t]);
            Conv2d.backwardWeight(k, s, x, gy, gw[t], null);
            Conv2d.backwardInput(k, s, gy, w, gx[t]);
        }
        assertArrayEquals(y[0], y[1], "forward " + s);
        assertArrayEquals(gw[0], gw[1], "weight gradient " + s);
        assertArrayEquals(gx[0], gx[1], "backward-input " + s);
    }

    @Example
    void shapeGeometryAndErrors() {
        ConvShape s = new ConvShape(128, 1, 28, 28, 32, 3, 3, 1, 1);
        assertEquals(28, s.outH());
        assertEquals(2L * 128 * 32 * 9 * 784, s.flops());
        ConvShape t = new ConvShape(1, 16, 7, 7, 8, 4, 4, 2, 1);
        assertEquals(14, t.transposedOutH());
        assertEquals(7, t.transposedAsConv().outH());
        assertThrows(IllegalArgumentException.class, () -> new ConvShape(1, 0, 5, 5, 1, 3, 3, 1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(BACKENDS[0], new ConvShape(1, 1, 5, 5, 1, 3, 3, 1, 0), new float[24], new float[9], null, new float[9]));
    }

    interface Entry { void call(float[] a, float[] b, float[] c); }

    /**
     * Every entry point checks its three arrays against the shape before touching them: one
     * float short in any of them is an IllegalArgumentException naming the array, not an index
     * out of bounds half-way (or a silent read of someone else's floats at an offset).
     */
    @Example
    void everyEntryPointRefusesAnArrayOneFloatShort() {
        Kernels k = BACKENDS[0];
        ConvShape s = new ConvShape(2, 3, 6, 5, 4, 3, 3, 1, 1), t = new ConvShape(2, 4, 4, 3, 3, 4, 4, 2, 1);
        ConvShape c = t.transposedAsConv();
        int in = 2 * 3 * 6 * 5, w = 4 * 3 * 3 * 3, out = 2 * 4 * s.outH() * s.outW();
        int tIn = 2 * 4 * 4 * 3, tw = 4 * 3 * 4 * 4, tOut = 2 * 3 * c.inH() * c.inW();
        Object[][] entries = {
                {"forward", (Entry) (a, b, d) -> Conv2d.forward(k, s, a, b, null, d), new int[] {in, w, out}},
                {"backwardInput", (Entry) (a, b, d) -> Conv2d.backwardInput(k, s, a, b, d), new int[] {out, w, in}},
                {"backwardWeight", (Entry) (a, b, d) -> Conv2d.backwardWeight(k, s, a, b, d, null), new int[] {in, out, w}},
                {"transposedForward", (Entry) (a, b, d) -> Conv2d.transposedForward(k, t, a, b, null, d), new int[] {tIn, tw, tOut}},
                {"transposedBackwardInput", (Entry) (a, b, d) -> Conv2d.transposedBackwardInput(k, t, a, b, d), new int[] {tOut, tw, tIn}},
                {"transposedBackwardWeight", (Entry) (a, b, d) -> Conv2d.transposedBackwardWeight(k, t, a, b, d, null), new int[] {tIn, tOut, tw}},
        };
        for (Object[] e : entries) {
            Entry call = (Entry) e[1];
            int[] len = (int[]) e[2];
            call.call(new float[len[0]], new float[len[1]], new float[len[2]]);   // exact sizes: accepted
            for (int j = 0; j < 3; j++) {
                float[][] a = {new float[len[0]], new float[len[1]], new float[len[2]]};
                a[j] = new float[len[j] - 1];
                IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> call.call(a[0], a[1], a[2]),
                        e[0] + ", array " + j + " one float short");
                assertEquals(true, x.getMessage().contains((len[j] - 1) + " floats, needs " + len[j]), x.getMessage());
            }
        }
    }
}

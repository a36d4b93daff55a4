package gmvae4j.kernels;

import java.util.Arrays;

/**
 * Direct seven-loop convolution, the scalar twin {@link Conv2d} is tested against. Same
 * layouts and same overwrite/accumulate contract as {@link Conv2d}; sums in double so it can
 * serve as the accurate side of a differential test. Slow: tests only.
 */
public final class Conv2dReference {
    private Conv2dReference() {}

    public static void forward(ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        int oh = s.outH(), ow = s.outW();
        for (int b = 0; b < s.batch(); b++)
            for (int o = 0; o < s.outC(); o++)
                for (int yy = 0; yy < oh; yy++)
                    for (int xx = 0; xx < ow; xx++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int c = 0; c < s.inC(); c++)
                            for (int i = 0; i < s.kH(); i++)
                                for (int j = 0; j < s.kW(); j++) {
                                    int ih = yy * s.stride() - s.pad() + i, iw = xx * s.stride() - s.pad() + j;
                                    if (ih < 0 || ih >= s.inH() || iw < 0 || iw >= s.inW()) continue;
                                    acc += (double) x[((b * s.inC() + c) * s.inH() + ih) * s.inW() + iw]
                                            * w[((o * s.inC() + c) * s.kH() + i) * s.kW() + j];
                                }
                        y[((b * s.outC() + o) * oh + yy) * ow + xx] = (float) acc;
                    }
    }

    /** gx += dL/dx: every (output pixel, tap) pair sends gy·w back to the input pixel it read. */
    public static void backwardInput(ConvShape s, float[] gy, float[] w, float[] gx) {
        int oh = s.outH(), ow = s.outW();
        double[] acc = new double[s.batch() * s.inC() * s.inH() * s.inW()];
        for (int b = 0; b < s.batch(); b++)
            for (int o = 0; o < s.outC(); o++)
                for (int yy = 0; yy < oh; yy++)
                    for (int xx = 0; xx < ow; xx++) {
                        double g = gy[((b * s.outC() + o) * oh + yy) * ow + xx];
                        for (int c = 0; c < s.inC(); c++)
                            for (int i = 0; i < s.kH(); i++)
                                for (int j = 0; j < s.kW(); j++) {
                                    int ih = yy * s.stride() - s.pad() + i, iw = xx * s.stride() - s.pad() + j;
                                    if (ih < 0 || ih >= s.inH() || iw < 0 || iw >= s.inW()) continue;
                                    acc[((b * s.inC() + c) * s.inH() + ih) * s.inW() + iw]
                                            += g * w[((o * s.inC() + c) * s.kH() + i) * s.kW() + j];
                                }
                    }
        for (int i = 0; i < acc.length; i++) gx[i] += (float) acc[i];
    }

    /** gw += dL/dw, gb += dL/db (gb may be null). */
    public static void backwardWeight(ConvShape s, float[] x, float[] gy, float[] gw, float[] gb) {
        int oh = s.outH(), ow = s.outW();
        for (int o = 0; o < s.outC(); o++) {
            for (int c = 0; c < s.inC(); c++)
                for (int i = 0; i < s.kH(); i++)
                    for (int j = 0; j < s.kW(); j++) {
                        double acc = 0;
                        for (int b = 0; b < s.batch(); b++)
                            for (int yy = 0; yy < oh; yy++)
                                for (int xx = 0; xx < ow; xx++) {
                                    int ih = yy * s.stride() - s.pad() + i, iw = xx * s.stride() - s.pad() + j;
                                    if (ih < 0 || ih >= s.inH() || iw < 0 || iw >= s.inW()) continue;
                                    acc += (double) x[((b * s.inC() + c) * s.inH() + ih) * s.inW() + iw]
                                            * gy[((b * s.outC() + o) * oh + yy) * ow + xx];
                                }
                        gw[((o * s.inC() + c) * s.kH() + i) * s.kW() + j] += (float) acc;
                    }
            if (gb != null) {
                double acc = 0;
                for (int b = 0; b < s.batch(); b++)
                    for (int p = 0; p < oh * ow; p++) acc += gy[(b * s.outC() + o) * oh * ow + p];
                gb[o] += (float) acc;
            }
        }
    }

    /**
     * Transposed convolution, straight from its definition: input pixel (ih, iw) of channel c
     * scatters x·w[c][o][i][j] to output pixel (ih·stride − pad + i, iw·stride − pad + j).
     */
    public static void transposedForward(ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        int oh = s.transposedOutH(), ow = s.transposedOutW();
        double[] acc = new double[s.batch() * s.outC() * oh * ow];
        for (int b = 0; b < s.batch(); b++)
            for (int c = 0; c < s.inC(); c++)
                for (int ih = 0; ih < s.inH(); ih++)
                    for (int iw = 0; iw < s.inW(); iw++) {
                        double v = x[((b * s.inC() + c) * s.inH() + ih) * s.inW() + iw];
                        for (int o = 0; o < s.outC(); o++)
                            for (int i = 0; i < s.kH(); i++)
                                for (int j = 0; j < s.kW(); j++) {
                                    int yy = ih * s.stride() - s.pad() + i, xx = iw * s.stride() - s.pad() + j;
                                    if (yy < 0 || yy >= oh || xx < 0 || xx >= ow) continue;
                                    acc[((b * s.outC() + o) * oh + yy) * ow + xx]
                                            += v * w[((c * s.outC() + o) * s.kH() + i) * s.kW() + j];
                                }
                    }
        Arrays.fill(y, 0, acc.length, 0f);
        for (int i = 0; i < acc.length; i++)
            y[i] = (float) (acc[i] + (bias == null ? 0 : bias[(i / (oh * ow)) % s.outC()]));
    }

    /** gx += dL/dx for the transposed convolution: gather what each input pixel scattered. */
    public static void transposedBackwardInput(ConvShape s, float[] gy, float[] w, float[] gx) {
        int oh = s.transposedOutH(), ow = s.transposedOutW();
        for (int b = 0; b < s.batch(); b++)
            for (int c = 0; c < s.inC(); c++)
                for (int ih = 0; ih < s.inH(); ih++)
                    for (int iw = 0; iw < s.inW(); iw++) {
                        double acc = 0;
                        for (int o = 0; o < s.outC(); o++)
                            for (int i = 0; i < s.kH(); i++)
                                for (int j = 0; j < s.kW(); j++) {
                                    int yy = ih * s.stride() - s.pad() + i, xx = iw * s.stride() - s.pad() + j;
                                    if (yy < 0 || yy >= oh || xx < 0 || xx >= ow) continue;
                                    acc += (double) gy[((b * s.outC() + o) * oh + yy) * ow + xx]
                                            * w[((c * s.outC() + o) * s.kH() + i) * s.kW() + j];
                                }
                        gx[((b * s.inC() + c) * s.inH() + ih) * s.inW() + iw] += (float) acc;
                    }
    }

    /** gw += dL/dw, gb += dL/db (gb may be null) for the transposed convolution. */
    public static void transposedBackwardWeight(ConvShape s, float[] x, float[] gy, float[] gw, float[] gb) {
        int oh = s.transposedOutH(), ow = s.transposedOutW();
        for (int c = 0; c < s.inC(); c++)
            for (int o = 0; o < s.outC(); o++)
                for (int i = 0; i < s.kH(); i++)
                    for (int j = 0; j < s.kW(); j++) {
                        double acc = 0;
                        for (int b = 0; b < s.batch(); b++)
                            for (int ih = 0; ih < s.inH(); ih++)
                                for (int iw = 0; iw < s.inW(); iw++) {
                                    int yy = ih * s.stride() - s.pad() + i, xx = iw * s.stride() - s.pad() + j;
                                    if (yy < 0 || yy >= oh || xx < 0 || xx >= ow) continue;
                                    acc += (double) x[((b * s.inC() + c) * s.inH() + ih) * s.inW() + iw]
                                            * gy[((b * s.outC() + o) * oh + yy) * ow + xx];
                                }
                        gw[((c * s.outC() + o) * s.kH() + i) * s.kW() + j] += (float) acc;
                    }
        if (gb != null)
            for (int o = 0; o < s.outC(); o++) {
                double acc = 0;
                for (int b = 0; b < s.batch(); b++)
                    for (int p = 0; p < oh * ow; p++) acc += gy[(b * s.outC() + o) * oh * ow + p];
                gb[o] += (float) acc;
            }
    }
}

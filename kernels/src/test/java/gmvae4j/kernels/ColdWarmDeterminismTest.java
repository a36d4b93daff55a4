package gmvae4j.kernels;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link VectorKernels} must give the same bits whether its code runs interpreted (the Vector
 * API's Java fallback) or C2-compiled (intrinsics): a child JVM with {@code -Xint} computes every
 * kernel on fixed inputs, this JVM computes them after a warm-up that gets them compiled, and the
 * fingerprints of the outputs must be equal. This failed for lanewise(EXP/LOG/LOG1P/TANH) (Math
 * per lane vs SVML) and for reduceLanes(ADD) (sequential vs the intrinsic's order), the latter
 * again in the one-channel conv weight gradient's lane sums (a training run's model changed from
 * run to run).
 */
class ColdWarmDeterminismTest {

    /** Fingerprint (hash of the raw bits) of every kernel's output on fixed inputs, by name. */
    static Map<String, Integer> fingerprints(Kernels k) {
        Random r = new Random(11);
        int n = 16 * 50 + 7, rows = 5, cols = 16 * 3 + 5;
        float[] x = new float[n], p = new float[n], t = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 6);
            p[i] = (float) Math.exp(r.nextGaussian() * 3);
            t[i] = r.nextFloat();
            y[i] = (float) Math.tanh(x[i]);
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        interface Unary { void apply(int n, float[] x, int xo, float[] out, int oo); }
        Map<String, Unary> unary = new LinkedHashMap<>();
        unary.put("exp", k::exp);
        unary.put("log", k::log);
        unary.put("tanh", k::tanh);
        unary.put("sigmoid", k::sigmoid);
        unary.put("softplus", k::softplus);
        for (var e : unary.entrySet()) {
            float[] o = new float[n];
            e.getValue().apply(n, e.getKey().equals("log") ? p : x, 0, o, 0);
            out.put(e.getKey(), hash(o));
        }
        float[] g = new float[n];
        k.softplusBackward(n, x, 0, t, 0, g, 0);
        out.put("softplusBackward", hash(g));
        float[] o = new float[rows * cols];
        k.rowSoftmax(rows, cols, x, 0, o, 0);
        out.put("rowSoftmax", hash(o));
        float[] v = new float[rows];
        k.rowLogSumExp(rows, cols, x, 0, v, 0);
        out.put("rowLogSumExp", hash(v));
        k.rowSums(rows, cols, x, 0, v, 0);
        out.put("rowSums", hash(v));
        k.rowMax(rows, cols, x, 0, v, 0);
        out.put("rowMax", hash(v));
        float[] grad = new float[n];
        double bce = k.bceWithLogits(n, x, 0, t, 0, grad, 0, 0.25f);
        out.put("bce", Double.hashCode(bce) * 31 + hash(grad));
        out.put("sum", Double.hashCode(k.sum(n, x, 0)));
        out.put("sumSquares", Double.hashCode(k.sumSquares(n, x, 0)));
        int d = 3, kk = 16 + 3;
        float[] q = new float[rows * kk];
        k.pairSqDist(rows, d, kk, x, 0, p, 0, t, 0, q, 0);
        out.put("pairSqDist", hash(q));
        float[] gx = new float[rows * d], gc = new float[d * kk], gw = new float[d * kk];
        k.pairSqDistBackward(rows, d, kk, x, 0, p, 0, t, 0, y, 0, gx, 0, gc, 0, gw, 0);
        out.put("pairSqDistBackward", hash(gx) * 31 * 31 + hash(gc) * 31 + hash(gw));
        int m = 21, nn = 37, kd = 19;
        float[] c = new float[m * nn];
        k.sgemm(false, false, m, nn, kd, 1f, p, 0, kd, x, 0, nn, 0f, c, 0, nn);
        out.put("sgemm", hash(c));
        // convolution products over tap planes: a shallow one (direct tiles, the image's last vector
        // overlapping) and a deep one (packed panels), and their weight gradients (direct lane sums
        // for few taps, the transposed product for many); 21 pixels leave a partial vector
        int images = 2, npix = 21, imgStride = 24, outC = 5;
        int[] off = new int[20];
        for (int i = 0; i < off.length; i++) off[i] = (i * 7) % 40;
        for (int taps : new int[] {9, 20}) {
            float[] yc = new float[images * outC * npix];
            k.tapGemm(outC, taps, images, npix, p, x, x, imgStride, off, 0f, yc, 0, outC * npix, npix);
            out.put("tapGemm" + taps, hash(yc));
            float[] gwt = new float[outC * taps];
            k.tapGradient(outC, taps, images, npix, t, 0, outC * npix, x, imgStride, off, gwt, 0, taps);
            out.put("tapGradient" + taps, hash(gwt));
        }
        return out;
    }

    static int hash(float[] a) {
        int h = 1;
        for (float f : a) h = 31 * h + Float.floatToRawIntBits(f);
        return h;
    }

    /** The child: prints name=fingerprint lines for the interpreted run. */
    public static void main(String[] args) {
        fingerprints(new VectorKernels(1)).forEach((name, h) -> System.out.println(name + "=" + h));
    }

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws Exception {
        Kernels k = new VectorKernels(1);
        for (int i = 0; i < 20_000; i++) fingerprints(k);   // enough for C2 to compile the kernels
        Map<String, Integer> warm = fingerprints(k);

        String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xint", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), ColdWarmDeterminismTest.class.getName()));
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        proc.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
        String text = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, proc.waitFor(), text);
        Map<String, Integer> cold = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) cold.put(line.substring(0, eq), Integer.parseInt(line.substring(eq + 1).trim()));
        }
        List<String> differ = new ArrayList<>();
        for (String name : warm.keySet()) if (!warm.get(name).equals(cold.get(name))) differ.add(name);
        assertEquals(List.of(), differ, "kernels whose -Xint output differs from the C2-compiled one");
    }
}

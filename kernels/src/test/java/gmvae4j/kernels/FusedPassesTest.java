package gmvae4j.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static gmvae4j.kernels.VectorKernelsTest.close;
import static gmvae4j.kernels.VectorKernelsTest.exact;

/**
 * The fused layer passes of the training step ({@link Kernels#biasRelu},
 * {@link Kernels#reluMaskColSums}, {@link Kernels#bceRows}): the Vector API kernels (1 and 2
 * threads) against their scalar twins, on row lengths that leave every vector tail, at random
 * offsets, and the fused passes against the unfused kernels they replace.
 */
class FusedPassesTest {

    static final int[] ROWS = {1, 3, 128};
    static final int[] COLS = {1, 7, 15, 16, 17, 31, 33, 127, 129, 783, 784, 785, 1024};
    static final ScalarKernels S = VectorKernelsTest.S;
    static final Kernels[] VS = VectorKernelsTest.VS;

    /** Random values and offsets from the kernels' main differential test (one helper for both). */
    final VectorKernelsTest data = new VectorKernelsTest();
    final Random r = data.r;

    float[] rand(int n, float scale) { return data.rand(n, scale); }

    @Test
    void biasReluMatchesItsTwinAndAddRowThenRelu() {
        for (int rows : ROWS)
            for (int cols : COLS) {
                int yo = r.nextInt(4), bo = r.nextInt(4), n = rows * cols;
                float[] y = rand(n + yo, 2f), bias = rand(cols + bo, 1f);
                float[] want = y.clone();
                S.biasRelu(rows, cols, want, yo, bias, bo);
                float[] twoPasses = new float[n];
                S.addRow(rows, cols, y, yo, bias, bo, twoPasses, 0);
                S.relu(n, twoPasses, 0, twoPasses, 0);
                exact(twoPasses, Arrays.copyOfRange(want, yo, yo + n), "scalar biasRelu = addRow, relu " + rows + "x" + cols);
                for (Kernels v : VS) {
                    float[] got = y.clone();
                    v.biasRelu(rows, cols, got, yo, bias, bo);
                    exact(want, got, "biasRelu " + rows + "x" + cols + " " + v.threads());
                }
            }
    }

    @Test
    void reluMaskColSumsMatchesItsTwinAndReluBackwardThenColSums() {
        for (int rows : ROWS)
            for (int cols : COLS)
                for (boolean withBias : new boolean[] {true, false}) {
                    int ho = r.nextInt(4), go = r.nextInt(4), bo = r.nextInt(4), n = rows * cols;
                    float[] h = rand(n + ho, 1f);
                    for (int i = 0; i < n; i++) {       // a ReLU's output: zeros (both signs) where it was cut
                        float v = h[ho + i];
                        h[ho + i] = v > 0.3f ? v : (i & 1) == 0 ? 0f : -0f;
                    }
                    float[] g = rand(n + go, 1f), gb = rand(cols + bo, 1f);
                    float[] wantG = g.clone(), wantB = gb.clone();
                    S.reluMaskColSums(rows, cols, h, ho, wantG, go, withBias ? wantB : null, bo);
                    // unfused: relu backward into zeros, then column sums
                    float[] masked = new float[n], sums = gb.clone();
                    S.reluBackward(n, h, ho, g, go, masked, 0);
                    S.colSumsAcc(rows, cols, masked, 0, sums, bo);
                    close(masked, Arrays.copyOfRange(wantG, go, go + n), 0, 0, "scalar mask " + rows + "x" + cols);
                    if (withBias) exact(sums, wantB, "scalar column sums " + rows + "x" + cols);
                    else exact(gb, wantB, "no bias gradient: untouched");
                    for (Kernels v : VS) {
                        float[] gotG = g.clone(), gotB = gb.clone();
                        v.reluMaskColSums(rows, cols, h, ho, gotG, go, withBias ? gotB : null, bo);
                        exact(wantG, gotG, "reluMaskColSums g " + rows + "x" + cols + " " + v.threads());
                        exact(wantB, gotB, "reluMaskColSums gb " + rows + "x" + cols + " " + v.threads());
                    }
                }
    }

    @Test
    void bceRowsMatchesItsTwinAndTheUnfusedKernels() {
        for (int rows : ROWS)
            for (int cols : COLS) {
                int lo = r.nextInt(4), to = r.nextInt(4), so = r.nextInt(4), dOff = r.nextInt(4), n = rows * cols;
                float[] logits = rand(n + lo, 6f), targets = new float[n + to];
                for (int i = 0; i < n; i++) targets[to + i] = r.nextInt(4) == 0 ? 1f : r.nextFloat();
                float[] wantLoss = rand(rows + so, 1f), wantD = rand(n + dOff, 1f);
                S.bceRows(rows, cols, logits, lo, targets, to, wantLoss, so, wantD, dOff);
                // one row at a time through the older whole-array kernel: same loss, same gradient
                for (int i = 0; i < rows; i++) {
                    float[] d = new float[cols];
                    double s = S.bceWithLogits(cols, logits, lo + i * cols, targets, to + i * cols, d, 0, 1f);
                    close(new float[] {(float) s}, new float[] {wantLoss[so + i]}, 1e-6, 1e-6, "scalar loss row " + i);
                    close(d, Arrays.copyOfRange(wantD, dOff + i * cols, dOff + (i + 1) * cols), 0, 0, "scalar d row " + i);
                }
                for (Kernels v : VS) {
                    float[] gotLoss = new float[rows + so], gotD = new float[n + dOff], noD = new float[rows + so];
                    System.arraycopy(wantLoss, 0, gotLoss, 0, so);
                    System.arraycopy(wantD, 0, gotD, 0, dOff);
                    v.bceRows(rows, cols, logits, lo, targets, to, gotLoss, so, gotD, dOff);
                    v.bceRows(rows, cols, logits, lo, targets, to, noD, so, null, 0);
                    // a row sum of cols terms, reassociated in float lanes: cols·1e-7 of Σ|terms| (≤ 7 per term here)
                    double sumTol = 7.0 * cols * cols * 1e-7;
                    close(wantLoss, gotLoss, 1e-5, sumTol, "bceRows loss " + rows + "x" + cols + " " + v.threads());
                    exact(Arrays.copyOfRange(gotLoss, so, so + rows), Arrays.copyOfRange(noD, so, so + rows),
                            "the loss does not depend on asking for d");
                    // σ(l) − t cancels where t ≈ σ(l): a few ulp of σ (≤ 1), absolute
                    close(wantD, gotD, 1e-5, 1e-6, "bceRows d " + rows + "x" + cols + " " + v.threads());
                }
            }
    }

    /** The gradient norm's pass runs in fixed chunks: the same double on one thread and on two, odd sizes too. */
    @Test
    void sumSquaresDoesNotDependOnTheThreadCount() {
        for (int n : new int[] {VectorKernels.SUM_CHUNK - 1, VectorKernels.SUM_CHUNK + 1, 3 * VectorKernels.SUM_CHUNK + 17, 1_347_416}) {
            int xo = r.nextInt(4);
            float[] x = rand(n + xo, 1f);
            double one = VS[0].sumSquares(n, x, xo), two = VS[1].sumSquares(n, x, xo), want = S.sumSquares(n, x, xo);
            org.junit.jupiter.api.Assertions.assertEquals(one, two, "n=" + n);
            org.junit.jupiter.api.Assertions.assertEquals(want, two, 1e-6 * want, "n=" + n);
        }
    }

    /** Adam with the gradient reset fused: the same update as adam, bit for bit, and zeros in g (only its n values). */
    @Test
    void adamThenZeroGradIsAdamThenAFill() {
        int[] sizes = {1, 7, 15, 17, 33, 127, 785, 1024, VectorKernels.PARALLEL_MIN + 33};
        for (int n : sizes) {
            float[] p = rand(n + 1, 1f), g = rand(n + 3, 1f), m = rand(n + 3, 0.1f), v = rand(n + 4, 1f);
            for (int i = 0; i < v.length; i++) v[i] = v[i] * v[i];
            float bc1 = 1f - (float) Math.pow(0.9, 7), bc2 = 1f - (float) Math.pow(0.999, 7);
            for (Kernels k : new Kernels[] {S, VS[0], VS[1]}) {
                float[] pa = p.clone(), ma = m.clone(), va = v.clone(), ga = g.clone();
                k.adam(n, pa, 1, ga, 2, ma, 3, va, 4, 2e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, bc1, bc2);
                float[] pb = p.clone(), mb = m.clone(), vb = v.clone(), gb = g.clone();
                k.adamThenZeroGrad(n, pb, 1, gb, 2, mb, 3, vb, 4, 2e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, bc1, bc2);
                String what = "n=" + n + " " + k.name() + "/" + k.threads();
                exact(pa, pb, "p " + what);
                exact(ma, mb, "m " + what);
                exact(va, vb, "v " + what);
                float[] gWant = g.clone();
                java.util.Arrays.fill(gWant, 2, 2 + n, 0f);
                exact(gWant, gb, "g zeroed on its n values only " + what);
            }
        }
    }

    /**
     * The exp/log row kernels go to two threads at an eighth of the plain elements' threshold
     * (VectorKernels.transcendentalRows): a training step's BCE (128×784) now does. Each row is
     * still computed whole by one thread, so the bits are those of one thread.
     */
    @Test
    void expRowKernelsGiveTheSameBitsOnTwoThreads() {
        int rows = 128, cols = 784, n = rows * cols;
        float[] logits = rand(n, 6f), targets = new float[n];
        for (int i = 0; i < n; i++) targets[i] = r.nextFloat();
        float[][] loss = new float[2][rows], d = new float[2][n], soft = new float[2][n], lse = new float[2][rows];
        for (int t = 0; t < 2; t++) {
            VS[t].bceRows(rows, cols, logits, 0, targets, 0, loss[t], 0, d[t], 0);
            VS[t].rowSoftmax(rows, cols, logits, 0, soft[t], 0);
            VS[t].rowLogSumExp(rows, cols, logits, 0, lse[t], 0);
        }
        org.junit.jupiter.api.Assertions.assertEquals(2, VS[1].threads());
        exact(loss[0], loss[1], "bceRows loss");
        exact(d[0], d[1], "bceRows gradient");
        exact(soft[0], soft[1], "rowSoftmax");
        exact(lse[0], lse[1], "rowLogSumExp");
    }
}

package gmvae4j.kernels;

/**
 * The float32 kernels the engine runs on: one interface, several backends.
 *
 * <p>Conventions (BLAS-like, so a parameter living inside one big flat buffer can be used
 * without copying): every array argument comes with an offset; matrices are row-major with
 * an explicit leading dimension; {@code n} counts elements. Methods whose name ends in
 * {@code Backward} <em>accumulate</em> into their gradient output ({@code gx += ...}), since
 * a tensor used twice receives gradient from both uses.
 *
 * <p>Backends: {@link ScalarKernels} (plain loops, the reference every other backend is tested
 * against) and the Vector API backend. {@link Backends#get()} picks one once at startup.
 */
public interface Kernels {

    /** Short name for logs and benchmark reports, e.g. {@code "vector(512-bit)"}. */
    String name();

    /** Threads this backend uses for large kernels (sgemm, big elementwise loops). */
    int threads();

    /**
     * Runs {@code task.accept(i)} for every i in [0, tasks) on this backend's threads and
     * returns when all are done. Kernels called from inside a task run single-threaded, so a
     * caller can parallelise over images (as {@link Conv2d} does) without oversubscribing.
     * Give each output to one task and results do not depend on scheduling. The default runs
     * the tasks in order on the calling thread.
     */
    default void parallelFor(int tasks, java.util.function.IntConsumer task) {
        for (int i = 0; i < tasks; i++) task.accept(i);
    }

    /**
     * Runs {@code body.accept(i)} for every i in [0, n), in contiguous chunks of at least
     * {@value #RANGE_GRAIN} spread over {@link #parallelFor} (a few chunks per thread, so an
     * uneven one does not hold the others up). For loops whose iterations write disjoint
     * outputs: the result is then the same however the range was split.
     */
    default void parallelRange(int n, java.util.function.IntConsumer body) {
        parallelRange(n, Math.min(8 * threads(), Math.ceilDiv(n, RANGE_GRAIN)), body);
    }

    /**
     * Runs {@code body.accept(i)} for every i in [0, n), cut into {@code chunks} contiguous chunks
     * of nearly equal length (at least one, at most n) spread over {@link #parallelFor}: chunk c
     * holds [c·n/chunks, (c+1)·n/chunks). The same contract as {@link #parallelRange(int,
     * java.util.function.IntConsumer)}, for a caller that knows how many pieces it wants.
     */
    default void parallelRange(int n, int chunks, java.util.function.IntConsumer body) {
        int c = Math.max(1, Math.min(n, chunks));
        parallelFor(c, chunk -> {
            for (int i = (int) ((long) chunk * n / c), end = (int) ((long) (chunk + 1) * n / c); i < end; i++) body.accept(i);
        });
    }

    /** The fewest iterations {@link #parallelRange} gives a chunk. */
    int RANGE_GRAIN = 256;

    /**
     * Whether the tasks of one {@link #parallelFor} may each call kernels of this backend at the
     * same time (the engine's batch shards do: a whole forward and backward pass per task). True
     * for the CPU backends, whose kernels keep their scratch per thread; the cuda backend drives one
     * device and says no, and its callers then run such tasks one after another.
     */
    default boolean concurrentCallers() { return true; }

    // ---------------------------------------------------------------- matrix multiply

    /**
     * C = alpha·op(A)·op(B) + beta·C, row-major. op(A) is m×k, op(B) is k×n, C is m×n.
     * A is stored m×k (lda ≥ k) when !transA, else k×m (lda ≥ m); likewise B.
     * beta == 0 means C is overwritten (NaNs in C do not propagate).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float alpha, float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * op(B) packed once and shared by products that run side by side with the same B ({@link
     * PackedB}: a weight that every batch shard multiplies by), or null where this backend shares
     * nothing (the caller then calls {@link #sgemm}). Its owner calls {@link PackedB#nextGeneration}
     * whenever B may have changed.
     */
    default PackedB packedB(boolean transB, int k, int n, float[] b, int bOff, int ldb) { return null; }

    /**
     * {@link #sgemm} with op(B) from a {@link PackedB} of this backend: the same floats as sgemm
     * with B itself. This default reads B itself.
     */
    default void sgemmPacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                             PackedB b, float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, b.transB, m, n, k, alpha, a, aOff, lda, b.b, b.bOff, b.ldb, beta, c, cOff, ldc);
    }

    /**
     * C = A·B + bias·1ᵀ: bias[biasOff + i] added to every element of row i, C overwritten; A is
     * m×k, B k×n, both untransposed. The convolution's forward pass (rows = output channels).
     * This default fills C with the bias and accumulates the product onto it; the vector backend
     * starts each register tile from the bias instead, so the bias costs no pass of its own.
     */
    default void sgemmRowBias(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, bias[biasOff + i]);
        sgemm(false, false, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, 1f, c, cOff, ldc);
    }

    /**
     * C[i, j] += Σ_p A[i, p]·B[j, p] for i &lt; m, j &lt; n, p &lt; k: every row of A (m×k, row stride
     * lda) dotted with every row of B (n×k, row stride ldb), added to C (m×n). The product of
     * sgemm(false, true, ..., beta = 1) for the shape sgemm does worst: m and n small, k long (a
     * one-channel convolution's weight gradient per image, 32 channels × 9 taps over 784
     * pixels), where packing the operands costs more than the multiply-adds. Runs on the calling
     * thread. This default is the scalar reference: each sum in p order.
     */
    default void rowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) s += a[aOff + i * lda + p] * b[bOff + j * ldb + p];
                c[cOff + i * ldc + j] += s;
            }
    }

    /**
     * One image of a stride-1 "same" convolution: y[o, r, q] = bias[o] + Σ_{c,i,j} w[o, c, i, j] ·
     * x[c, r + i − ph, q + j − pw] (0 outside the image), for an odd kH×kW kernel with ph =
     * (kH−1)/2, pw = (kW−1)/2; x is inC×h×w at xOff, y outC×h×w at yOff (overwritten), w
     * [outC][inC][kH][kW], bias null for none. Taps are added in (c, i, j) order after the bias.
     * For layers with few taps ({@link Conv2d} picks it), where im2col + sgemm runs at a depth of
     * a few. Runs on the calling thread. This default is the scalar reference.
     */
    default void convSame(int inC, int h, int w, int outC, int kH, int kW, float[] x, int xOff, float[] wt, float[] bias,
                          float[] y, int yOff) {
        int ph = kH / 2, pw = kW / 2, n = h * w;
        for (int o = 0; o < outC; o++)
            for (int r = 0; r < h; r++)
                for (int q = 0; q < w; q++) {
                    float s = bias == null ? 0f : bias[o];
                    for (int c = 0; c < inC; c++)
                        for (int i = 0; i < kH; i++) {
                            int rr = r + i - ph;
                            if (rr < 0 || rr >= h) continue;
                            for (int j = 0; j < kW; j++) {
                                int qq = q + j - pw;
                                if (qq >= 0 && qq < w) s += wt[((o * inC + c) * kH + i) * kW + j] * x[xOff + c * n + rr * w + qq];
                            }
                        }
                    y[yOff + o * n + r * w + q] = s;
                }
    }

    /**
     * gx[gxOff + (c·inH + y)·inW + x] += Σ_o Σ_(i,j) wt[((o·inC + c)·k + i)·k + j] · gy[gyOff + (o·oh + oy)·ow + ox]
     * for one image: the backward-input pass of a convolution with a square k×k kernel, summed
     * over the taps with y + pad − i = stride·oy and x + pad − j = stride·ox inside gy (oh, ow:
     * the convolution's output size). Runs on the calling thread. This default is the scalar twin
     * of {@link ConvTapSums} (which says why) and defines the order of each sum: per tap t = k·i + j,
     * the tap sum P_t = Σ_o wt[o][c][t]·gy[o][oy][ox], from zero over o in order, each term by
     * {@link Math#fma}, +0 where (oy, ox) lies outside gy; then the pixel's taps (those whose row
     * and column divide evenly by the stride) added left to right in t order; that sum added to gx.
     * {@link Conv2d} calls it for layers with few input channels, which the phased products serve
     * badly.
     */
    default void convBackwardInputTaps(int inC, int inH, int inW, int outC, int k, int stride, int pad, float[] gy, int gyOff,
                                       float[] wt, float[] gx, int gxOff) {
        int oh = (inH + 2 * pad - k) / stride + 1, ow = (inW + 2 * pad - k) / stride + 1;
        for (int c = 0; c < inC; c++)
            for (int y = 0; y < inH; y++)
                for (int x = 0; x < inW; x++) {
                    float s = 0f;
                    boolean first = true;
                    for (int t = 0; t < k * k; t++) {
                        int ty = y + pad - t / k, tx = x + pad - t % k;
                        if (Math.floorMod(ty, stride) != 0 || Math.floorMod(tx, stride) != 0) continue;
                        int oy = Math.floorDiv(ty, stride), ox = Math.floorDiv(tx, stride);
                        float part = 0f;
                        if (oy >= 0 && oy < oh && ox >= 0 && ox < ow)
                            for (int o = 0; o < outC; o++)
                                part = Math.fma(wt[(o * inC + c) * k * k + t], gy[gyOff + (o * oh + oy) * ow + ox], part);
                        s = first ? part : s + part;
                        first = false;
                    }
                    int i = gxOff + (c * inH + y) * inW + x;
                    gx[i] = s + gx[i];
                }
    }

    /**
     * One group's weight gradient of a 3×3 convolution, stride 1, padding 1 (h×w in and out): for
     * n images (x at xOff, inC×h×w each; gy at gyOff, outC×h×w each),
     * <pre>
     * out[outOff + ((o·inC + c)·3 + ky)·3 + kx] = Σ_images Σ_(i,j) gy[o][i][j] · x[c][i + ky − 1][j + kx − 1]
     * </pre>
     * (overwritten; x is 0 outside the image). Each sum in the order {@link ConvDirectWeight}
     * defines: 16 lane sums, lane e over the images and then the plane's pixels e, e + 16, ..., one
     * {@link Math#fma} a term (padding and the pixels past the plane's end give terms of 0), then
     * the lanes added by a fixed tree. Runs on the calling thread. This default is the scalar
     * reference; {@link Conv2d} calls it for layers with few input channels (an encoder's first).
     */
    default void convWeightDirect(int inC, int h, int w, int outC, float[] x, int xOff, float[] gy, int gyOff, int n,
                                  float[] out, int outOff) {
        int npix = h * w, lanes = ConvDirectWeight.LANES, vectors = (npix + lanes - 1) / lanes;
        float[] part = new float[lanes];
        for (int o = 0; o < outC; o++)
            for (int c = 0; c < inC; c++)
                for (int ky = 0; ky < 3; ky++)
                    for (int kx = 0; kx < 3; kx++) {
                        java.util.Arrays.fill(part, 0f);
                        for (int q = 0; q < n; q++)
                            for (int v = 0; v < vectors; v++)
                                for (int e = 0; e < lanes; e++) {
                                    int p = v * lanes + e, yy = p / w + ky - 1, xx = p % w + kx - 1;
                                    boolean in = p < npix && yy >= 0 && yy < h && xx >= 0 && xx < w;
                                    float g = p < npix ? gy[gyOff + (q * outC + o) * npix + p] : 0f;
                                    float xv = in ? x[xOff + ((q * inC + c) * h + yy) * w + xx] : 0f;
                                    part[e] = Math.fma(g, xv, part[e]);
                                }
                        for (int half = lanes / 2; half >= 1; half /= 2)          // the tree: lane e plus lane e + half
                            for (int e = 0; e < half; e++) part[e] += part[e + half];
                        out[outOff + ((o * inC + c) * 3 + ky) * 3 + kx] = part[0];
                    }
    }

    /**
     * One group's weight gradient of a 4×4 convolution, stride 2, padding 1, even sides
     * ({@link PatchLanes#layer}): for n images (x at xOff, inC×h×w each; gy at gyOff, outC×(h/2)×(w/2) each),
     * <pre>
     * out[outOff + ((o·inC + c)·4 + ky)·4 + kx] = Σ_images Σ_(i,j) gy[o][i][j] · x[c][2i + ky − 1][2j + kx − 1]
     * </pre>
     * (overwritten; x is 0 outside the image), each sum from zero over the images in order and then
     * the output pixels in order, one {@link Math#fma} a term: the order {@link PatchLanes} keeps.
     * Runs on the calling thread. This default is the scalar reference.
     */
    default void convWeightPatches(int inC, int h, int w, int outC, float[] x, int xOff, float[] gy, int gyOff, int n,
                                   float[] out, int outOff) {
        int oh = h / 2, ow = w / 2, npix = oh * ow;
        for (int o = 0; o < outC; o++)
            for (int c = 0; c < inC; c++)
                for (int ky = 0; ky < 4; ky++)
                    for (int kx = 0; kx < 4; kx++) {
                        float sum = 0f;
                        for (int q = 0; q < n; q++)
                            for (int p = 0; p < npix; p++) {
                                int yy = 2 * (p / ow) + ky - 1, xx = 2 * (p % ow) + kx - 1;
                                float xv = yy >= 0 && yy < h && xx >= 0 && xx < w ? x[xOff + ((q * inC + c) * h + yy) * w + xx] : 0f;
                                sum = Math.fma(gy[gyOff + (q * outC + o) * npix + p], xv, sum);
                            }
                        out[outOff + ((o * inC + c) * 4 + ky) * 4 + kx] = sum;
                    }
    }

    /**
     * True when {@link #laneTile}, {@link #toLanes} and {@link #fromLanes} run as vector kernels
     * here, so that {@link BatchLanes}' and {@link ChannelLanes}' routes pay off; false for the
     * scalar reference.
     */
    default boolean hasLaneTiles() { return false; }

    /**
     * One register tile of a convolution pass with the images in the vector lanes ({@link BatchLanes}):
     * for r &lt; 8 (channels) and j &lt; 32 (images),
     * <pre>
     * out[o + r·32 + j] = Σ_{s &lt; nseg} Σ_{p &lt; kc} a[segA[s] + 8·p + r] · b[segB[s] + 32·p + j]
     * </pre>
     * summed segment by segment, p in order (each segment one kernel tap: kc channels of packed
     * weights against the kc lane rows of the source pixel that tap reads). out is overwritten.
     * Runs on the calling thread. This default is the scalar reference.
     */
    default void laneTile(int nseg, int[] segA, int[] segB, int kc, float[] a, float[] b, float[] out, int o) {
        for (int r = 0; r < 8; r++)
            for (int j = 0; j < 32; j++) {
                float sum = 0f;
                for (int s = 0; s < nseg; s++)
                    for (int p = 0; p < kc; p++) sum += a[segA[s] + 8 * p + r] * b[segB[s] + 32 * p + j];
                out[o + r * 32 + j] = sum;
            }
    }

    /**
     * Up to 32 images into lanes ({@link BatchLanes}): for l &lt; 32, c &lt; channels, q &lt; pixels,
     * <pre>
     * dst[dOff + q·pixelStride + c·32 + l] = l &lt; images ? src[sOff + l·imgStride + c·pixels + q] : 0
     * </pre>
     * Runs on the calling thread. This default is the scalar reference.
     */
    default void toLanes(float[] src, int sOff, int imgStride, int images, int channels, int pixels, float[] dst, int dOff,
                         int pixelStride) {
        for (int q = 0; q < pixels; q++)
            for (int c = 0; c < channels; c++)
                for (int l = 0; l < 32; l++)
                    dst[dOff + q * pixelStride + c * 32 + l] = l < images ? src[sOff + l * imgStride + c * pixels + q] : 0f;
    }

    /**
     * Lanes back to images, the inverse of {@link #toLanes} for the first {@code images} lanes and a
     * run of {@code pixels} pixels: for l &lt; images, c &lt; channels, q &lt; pixels, with
     * v = src[sOff + q·pixelStride + c·32 + l],
     * <pre>
     * dst[dOff + l·imgStride + c·chanStride + q] = overwrite ? v + (bias == null ? 0 : bias[c]) : dst[...] + v
     * </pre>
     * Runs on the calling thread. This default is the scalar reference.
     */
    default void fromLanes(float[] src, int sOff, int pixelStride, int images, int channels, int pixels, float[] bias,
                           boolean overwrite, float[] dst, int dOff, int imgStride, int chanStride) {
        for (int l = 0; l < images; l++)
            for (int c = 0; c < channels; c++)
                for (int q = 0; q < pixels; q++) {
                    float v = src[sOff + q * pixelStride + c * 32 + l];
                    int d = dOff + l * imgStride + c * chanStride + q;
                    dst[d] = overwrite ? v + (bias == null ? 0f : bias[c]) : dst[d] + v;
                }
    }

    /**
     * A convolution over a group of images as one product with its tap planes ({@link TapPlanes}):
     * for every image g &lt; images, row i &lt; m and output pixel p &lt; npix,
     * <pre>
     * c[cOff + g·cImg + i·ldc + p] = beta·c[...] + init[i] + Σ_{t &lt; taps} a[i·taps + t] · planes[g·imgStride + tapOff[t] + p]
     * </pre>
     * with beta 0 (overwrite; c is not read) or 1 (accumulate), init null for zeros, the taps
     * added in t order. The columns of all images form one wide product, so a 7×7 output does
     * not waste most of a register tile. Runs on the calling thread. This default is the scalar
     * reference.
     */
    default void tapGemm(int m, int taps, int images, int npix, float[] a, float[] init, float[] planes, int imgStride,
                         int[] tapOff, float beta, float[] c, int cOff, int cImg, int ldc) {
        for (int g = 0; g < images; g++)
            for (int i = 0; i < m; i++)
                for (int p = 0; p < npix; p++) {
                    float s = init == null ? 0f : init[i];
                    for (int t = 0; t < taps; t++) s += a[i * taps + t] * planes[g * imgStride + tapOff[t] + p];
                    int o = cOff + g * cImg + i * ldc + p;
                    c[o] = beta == 0f ? s : c[o] + s;
                }
    }

    /**
     * Subsampled tap planes ({@link TapPlanes}), one per source image: for i &lt; count, plane i
     * (rows × width at d + i·dstStride) of source image i (h × w at so + i·srcStride) is
     * plane[ρ·width + u] = image[(r0 + ρ·step)·w + c0 + u·step] for ρ &lt; rows, u &lt; width, and 0
     * where that pixel lies outside the image; nothing outside the planes is written. Runs on the
     * calling thread. This default is the scalar reference.
     */
    default void subsampledPlanes(int count, float[] src, int so, int srcStride, int h, int w, int r0, int c0, int step,
                                  int rows, int width, float[] dst, int d, int dstStride) {
        for (int i = 0; i < count; i++)
            scalarSubsampledPlane(src, so + i * srcStride, h, w, r0, c0, step, rows, width, dst, d + i * dstStride);
    }

    /**
     * {@link #subsampledPlanes} for {@code cols} sets of planes whose source columns start at c0,
     * c0 + 1, ..., c0 + cols − 1 (a stride-2 layer's kernel columns of one row phase), set k at
     * d + k·colStride: the planes of all kernel columns from one pass over the source rows. This
     * default is one {@link #subsampledPlanes} call per column.
     */
    default void subsampledPlaneColumns(int cols, int colStride, int count, float[] src, int so, int srcStride, int h, int w,
                                        int r0, int c0, int step, int rows, int width, float[] dst, int d, int dstStride) {
        for (int k = 0; k < cols; k++)
            subsampledPlanes(count, src, so, srcStride, h, w, r0, c0 + k, step, rows, width, dst, d + k * colStride, dstStride);
    }

    /**
     * A strided pass's stride² phases put back into planes: for i &lt; count, y &lt; h, x &lt; w, the value
     * v = src[srcOff + ph·phaseStride + i·srcPlane + ⌊y/stride⌋·srcRow + ⌊x/stride⌋] of phase
     * ph = (y mod stride)·stride + (x mod stride) goes to dst[dstOff + i·dstPlane + y·w + x]: stored
     * as v + add[addOff + i] (add may be null: 0) when overwrite, else added to what dst holds
     * (dst + v). Nothing else in dst is written. Runs on the calling thread. This default is the
     * scalar reference.
     */
    default void phasePlanes(int stride, int count, int h, int w, float[] src, int srcOff, int phaseStride, int srcPlane,
                             int srcRow, float[] add, int addOff, boolean overwrite, float[] dst, int dstOff, int dstPlane) {
        scalarPhasePlanes(stride, count, h, w, src, srcOff, phaseStride, srcPlane, srcRow, add, addOff, overwrite, dst, dstOff, dstPlane);
    }

    /** {@link #phasePlanes}, the scalar reference (also the vector backend's fallback). */
    static void scalarPhasePlanes(int stride, int count, int h, int w, float[] src, int srcOff, int phaseStride, int srcPlane,
                                  int srcRow, float[] add, int addOff, boolean overwrite, float[] dst, int dstOff, int dstPlane) {
        for (int i = 0; i < count; i++) {
            float a = add == null ? 0f : add[addOff + i];
            for (int y = 0; y < h; y++) {
                int row = srcOff + (y % stride) * stride * phaseStride + i * srcPlane + (y / stride) * srcRow;
                int d = dstOff + i * dstPlane + y * w;
                // column phase pb holds the row's columns pb, pb + stride, ...
                for (int pb = 0; pb < stride && pb < w; pb++) {
                    int from = row + pb * phaseStride;
                    if (overwrite) for (int x = pb, u = 0; x < w; x += stride, u++) dst[d + x] = src[from + u] + a;
                    else for (int x = pb, u = 0; x < w; x += stride, u++) dst[d + x] += src[from + u];
                }
            }
        }
    }

    /** One plane of {@link #subsampledPlanes}, the scalar reference (also the vector backend's fallback). */
    static void scalarSubsampledPlane(float[] src, int so, int h, int w, int r0, int c0, int step, int rows, int width,
                                      float[] dst, int d) {
        for (int r = 0; r < rows; r++)
            for (int u = 0; u < width; u++) {
                int iy = r0 + r * step, ix = c0 + u * step;
                dst[d + r * width + u] = iy >= 0 && iy < h && ix >= 0 && ix < w ? src[so + iy * w + ix] : 0f;
            }
    }

    /**
     * The weight gradient over tap planes, accumulated:
     * <pre>
     * gw[gwOff + i·ldw + t] += Σ_{g &lt; images} Σ_{p &lt; npix} gy[gyOff + g·gyImg + i·npix + p] · planes[g·imgStride + tapOff[t] + p]
     * </pre>
     * for i &lt; m, t &lt; taps. Runs on the calling thread. This default is the scalar reference:
     * each sum in (g, p) order.
     */
    default void tapGradient(int m, int taps, int images, int npix, float[] gy, int gyOff, int gyImg, float[] planes,
                             int imgStride, int[] tapOff, float[] gw, int gwOff, int ldw) {
        for (int i = 0; i < m; i++)
            for (int t = 0; t < taps; t++) {
                float s = 0f;
                for (int g = 0; g < images; g++)
                    for (int p = 0; p < npix; p++)
                        s += gy[gyOff + g * gyImg + i * npix + p] * planes[g * imgStride + tapOff[t] + p];
                gw[gwOff + i * ldw + t] += s;
            }
    }

    // ---------------------------------------------------------------- every row against every component

    /**
     * out[b,k] = Σ_j (x[b,j] − cT[j,k])² · wT[j,k] for x [rows, d] and the component tables cT, wT
     * stored transposed, [d, kk]: the weighted squared distance of every row to every component
     * (the Gaussian mixture responsibilities are made of it). Transposed because d (a latent size,
     * 10 to 32) is short and kk (components, 100) is not: the long loop is the one vectorised.
     */
    default void pairSqDist(int rows, int d, int kk, float[] x, int xo, float[] cT, int co, float[] wT, int wo,
                            float[] out, int oo) {
        for (int b = 0; b < rows; b++)
            for (int k = 0; k < kk; k++) {
                float q = 0;
                for (int j = 0; j < d; j++) {
                    float diff = x[xo + b * d + j] - cT[co + j * kk + k];
                    q += diff * diff * wT[wo + j * kk + k];
                }
                out[oo + b * kk + k] = q;
            }
    }

    /**
     * Backward of {@link #pairSqDist} for the output gradient g [rows, kk], accumulating: with
     * diff = x[b,j] − cT[j,k], gx[b,j] += Σ_k 2·g·diff·w, gcT[j,k] −= Σ_b 2·g·diff·w,
     * gwT[j,k] += Σ_b g·diff².
     */
    default void pairSqDistBackward(int rows, int d, int kk, float[] x, int xo, float[] cT, int co, float[] wT, int wo,
                                    float[] g, int go, float[] gx, int gxo, float[] gcT, int gco, float[] gwT, int gwo) {
        for (int b = 0; b < rows; b++)
            for (int j = 0; j < d; j++) {
                float sx = 0;
                for (int k = 0; k < kk; k++) {
                    int jk = j * kk + k;
                    float diff = x[xo + b * d + j] - cT[co + jk];
                    float gd = g[go + b * kk + k] * diff;
                    float t = 2f * gd * wT[wo + jk];
                    sx += t;
                    gcT[gco + jk] -= t;
                    gwT[gwo + jk] += gd * diff;
                }
                gx[gxo + b * d + j] += sx;
            }
    }

    // ---------------------------------------------------------------- fused layer passes

    /**
     * y[i,j] = max(y[i,j] + bias[j], 0) in place, for y rows×cols (packed): a linear layer's bias
     * and its ReLU in one pass over the product. Equal, element by element, to {@link #addRow}
     * then {@link #relu}. This default is the scalar reference.
     */
    default void biasRelu(int rows, int cols, float[] y, int yOff, float[] bias, int biasOff) {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                int o = yOff + i * cols + j;
                y[o] = Math.max(y[o] + bias[biasOff + j], 0f);
            }
    }

    /**
     * The backward pass of {@link #biasRelu} before the layer's products: g[i,j] = 0 where
     * h[i,j] ≤ 0 (in place; h is the ReLU's output, positive exactly where its input was), then,
     * unless gb is null, gb[j] += Σ_i g[i,j], rows added top to bottom like {@link #colSumsAcc}.
     * This default is the scalar reference.
     */
    default void reluMaskColSums(int rows, int cols, float[] h, int hOff, float[] g, int gOff, float[] gb, int gbOff) {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                int o = i * cols + j;
                if (!(h[hOff + o] > 0f)) g[gOff + o] = 0f;
                if (gb != null) gb[gbOff + j] += g[gOff + o];
            }
    }

    /**
     * Binary cross-entropy from logits, per row, with its gradient, in one pass: for logits l and
     * targets t (rows×cols, packed), loss[i] = Σ_j max(l,0) − l·t + log1p(e^−|l|) (the first two
     * terms in one rounding, {@code ScalarKernels.bce}), and, unless d is null, d = σ(l) − t (overwritten), the
     * derivative of each element's loss. This default is the scalar reference: each row summed
     * in j order, in double, rounded once.
     */
    default void bceRows(int rows, int cols, float[] logits, int lOff, float[] targets, int tOff, float[] loss, int lossOff,
                         float[] d, int dOff) {
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                int o = i * cols + j;
                float l = logits[lOff + o], t = targets[tOff + o];
                s += ScalarKernels.bce(l, t);
                if (d != null) d[dOff + o] = ScalarKernels.sigmoid(l) - t;
            }
            loss[lossOff + i] = (float) s;
        }
    }

    // ---------------------------------------------------------------- elementwise, n elements

    /** out = a + b */
    void add(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff);

    /** out = a - b */
    void sub(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff);

    /** out = a * b */
    void mul(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff);

    /** acc += a * b */
    void mulAcc(int n, float[] a, int aOff, float[] b, int bOff, float[] acc, int accOff);

    /** y += alpha * x */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** out = alpha * x */
    void scale(int n, float alpha, float[] x, int xOff, float[] out, int outOff);

    /**
     * out = exp(x), and 0 where that is subnormal (x below about −87.3): a mixture's responsibility
     * for a far component is such a value, and everything computed from it would be too
     * ({@link Subnormals}).
     */
    void exp(int n, float[] x, int xOff, float[] out, int outOff);

    /** out = log(x) */
    void log(int n, float[] x, int xOff, float[] out, int outOff);

    /** out = 1 / (1 + exp(-x)) */
    void sigmoid(int n, float[] x, int xOff, float[] out, int outOff);

    /** out = log(1 + exp(x)), computed as max(x,0) + log1p(exp(-|x|)) */
    void softplus(int n, float[] x, int xOff, float[] out, int outOff);

    /** out = max(x, 0) */
    void relu(int n, float[] x, int xOff, float[] out, int outOff);

    /** out = tanh(x) */
    void tanh(int n, float[] x, int xOff, float[] out, int outOff);

    /** gx += gy * (x > 0) */
    void reluBackward(int n, float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff);

    /** gx += gy * y * (1 - y), with y = sigmoid(x) the forward output */
    void sigmoidBackward(int n, float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff);

    /** gx += gy * (1 - y²), with y = tanh(x) the forward output */
    void tanhBackward(int n, float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff);

    /** gx += gy * sigmoid(x): the derivative of softplus */
    void softplusBackward(int n, float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff);

    // ---------------------------------------------------------------- row-wise (rows × cols, row-major, packed)

    /** out[i,j] = x[i,j] + row[j] (bias add; out may be x) */
    void addRow(int rows, int cols, float[] x, int xOff, float[] row, int rowOff, float[] out, int outOff);

    /** out[j] += Σ_i x[i,j] (bias gradient) */
    void colSumsAcc(int rows, int cols, float[] x, int xOff, float[] out, int outOff);

    /** out[i] = Σ_j x[i,j] */
    void rowSums(int rows, int cols, float[] x, int xOff, float[] out, int outOff);

    /** out[i] = max_j x[i,j] */
    void rowMax(int rows, int cols, float[] x, int xOff, float[] out, int outOff);

    /** out[i] = log Σ_j exp(x[i,j]), stable (max subtracted first) */
    void rowLogSumExp(int rows, int cols, float[] x, int xOff, float[] out, int outOff);

    /**
     * The backward step of y = logSoftmax(x) by rows, given y and its gradient gy:
     * gx[i,j] += gy[i,j] − e^{y[i,j]} · Σ_j' gy[i,j'], the row sum taken in double in order, e^y and
     * each result stored as 0 where subnormal ({@link Subnormals}). This default is the scalar reference.
     */
    default void logSoftmaxBackward(int rows, int cols, float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff) {
        for (int i = 0; i < rows; i++) {
            int yi = yOff + i * cols, gi = gyOff + i * cols, xi = gxOff + i * cols;
            double total = 0;
            for (int j = 0; j < cols; j++) total += gy[gi + j];
            for (int j = 0; j < cols; j++)
                gx[xi + j] = Subnormals.flush(gx[xi + j] + (gy[gi + j] - Subnormals.exp(y[yi + j]) * (float) total));
        }
    }

    /** out[i,:] = softmax(x[i,:]), stable; out may be x */
    void rowSoftmax(int rows, int cols, float[] x, int xOff, float[] out, int outOff);

    // ---------------------------------------------------------------- reductions and fused losses

    /** Σ x² in double (gradient-norm clipping, checks). */
    double sumSquares(int n, float[] x, int xOff);

    /** Σ x in double. */
    double sum(int n, float[] x, int xOff);

    /**
     * Binary cross-entropy from logits l against targets t in [0,1], summed:
     * Σ max(l,0) − l·t + log1p(exp(−|l|)). If {@code grad != null}, also writes
     * grad = scale · (sigmoid(l) − t) (overwrites). Returns the sum in double.
     */
    double bceWithLogits(int n, float[] logits, int lOff, float[] targets, int tOff,
                         float[] grad, int gOff, float scale);

    /**
     * One bias-corrected Adam step on n parameters, in place:
     * m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
     * p −= lr · ( (m/bc1) / (sqrt(v/bc2) + eps) + weightDecay·p ),
     * with bc1 = 1−β1^t, bc2 = 1−β2^t computed by the caller. Decoupled (AdamW-style)
     * weight decay when weightDecay ≠ 0. A moment that comes out subnormal is stored as 0
     * ({@link Subnormals}: such values cost a microcode assist per operation on x86).
     */
    void adam(int n, float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
              float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2);

    /**
     * {@link #adam}, then g = 0 on the same n values: the update and the next step's gradient
     * reset in one pass over memory instead of two (the gradient is read by the update anyway, and
     * a separate fill writes 4 bytes per parameter again). This default is the scalar reference.
     */
    default void adamThenZeroGrad(int n, float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                                  float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        adam(n, p, pOff, g, gOff, m, mOff, v, vOff, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
        java.util.Arrays.fill(g, gOff, gOff + n, 0f);
    }
}

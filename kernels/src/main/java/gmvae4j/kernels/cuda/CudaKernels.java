package gmvae4j.kernels.cuda;

import gmvae4j.kernels.Kernels;

/**
 * The simple, <em>not resident</em> CUDA backend: {@link #sgemm} copies its operands to the
 * GPU, multiplies there with cuBLAS and copies C back; every other kernel runs on the CPU
 * backend given to the constructor.
 *
 * <p>What it is good for: big products (4096³ takes a few milliseconds on a data-centre GPU
 * against seconds on two CPU cores), and checking the cuBLAS path end to end. What it is not:
 * a GPU training path. Copying every matmul's operands over PCIe costs more than the model's
 * small products (128x784x512) save, which is why products smaller than
 * {@link #DEFAULT_MIN_DEVICE_WORK} multiply-adds stay on the CPU. A resident training step
 * keeps weights and activations in {@link DeviceBuffer}s and calls {@link CudaBlas} directly.
 *
 * <p>Device scratch buffers grow to the largest product seen and are reused, because
 * {@code cudaMalloc} is slow and synchronises the device. Calls are serialised (one cuBLAS
 * handle, one stream); the CPU kernels run concurrently with nothing held.
 */
public final class CudaKernels implements Kernels, AutoCloseable {

    /**
     * m·n·k below which sgemm stays on the CPU: 512³. Below it, moving the operands over PCIe
     * takes about as long as a multi-core CPU takes to multiply them, so all of the model's
     * products (the largest, 128x784x512, is 51·10⁶) stay on the CPU and only big ones go out.
     */
    public static final long DEFAULT_MIN_DEVICE_WORK = 512L * 512 * 512;

    private final CudaContext cuda;
    private final Kernels cpu;
    private final long minDeviceWork;
    private DeviceBuffer da, db, dc;
    private float[] packedC = new float[0];

    public CudaKernels(CudaContext cuda, Kernels cpu) {
        this(cuda, cpu, DEFAULT_MIN_DEVICE_WORK);
    }

    /** @param minDeviceWork m·n·k from which sgemm runs on the GPU (0: always) */
    public CudaKernels(CudaContext cuda, Kernels cpu, long minDeviceWork) {
        this.cuda = cuda;
        this.cpu = cpu;
        this.minDeviceWork = minDeviceWork;
    }

    @Override public String name() { return "cuda(" + cuda.deviceName() + ", sgemm only)+" + cpu.name(); }

    @Override public int threads() { return cpu.threads(); }

    @Override public void parallelFor(int tasks, java.util.function.IntConsumer task) { cpu.parallelFor(tasks, task); }
    /** One device, one stream: whole passes run from two threads at once are not what it was built for. */
    @Override public boolean concurrentCallers() { return false; }

    public CudaContext context() { return cuda; }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if ((long) m * n * k < minDeviceWork || m == 0 || n == 0) {
            cpu.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        deviceSgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void sgemmRowBias(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        if ((long) m * n * k < minDeviceWork) cpu.sgemmRowBias(m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc);
        else Kernels.super.sgemmRowBias(m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc);
    }

    @Override
    public void rowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc) {
        cpu.rowDots(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);   // small products: never worth a transfer
    }

    @Override
    public void convSame(int inC, int h, int w, int outC, int kH, int kW, float[] x, int xOff, float[] wt, float[] bias,
                         float[] y, int yOff) {
        cpu.convSame(inC, h, w, outC, kH, kW, x, xOff, wt, bias, y, yOff);   // one image: never worth a transfer
    }

    @Override
    public void convBackwardInputTaps(int inC, int inH, int inW, int outC, int k, int stride, int pad, float[] gy, int gyOff,
                                      float[] wt, float[] gx, int gxOff) {
        cpu.convBackwardInputTaps(inC, inH, inW, outC, k, stride, pad, gy, gyOff, wt, gx, gxOff);   // one image: never worth a transfer
    }

    @Override
    public void convWeightPatches(int inC, int h, int w, int outC, float[] x, int xOff, float[] gy, int gyOff, int n,
                                  float[] out, int outOff) {
        cpu.convWeightPatches(inC, h, w, outC, x, xOff, gy, gyOff, n, out, outOff);   // a group of small images: the CPU's
    }

    @Override
    public void convWeightDirect(int inC, int h, int w, int outC, float[] x, int xOff, float[] gy, int gyOff, int n,
                                 float[] out, int outOff) {
        cpu.convWeightDirect(inC, h, w, outC, x, xOff, gy, gyOff, n, out, outOff);   // a group of small images: the CPU's
    }

    @Override
    public void subsampledPlanes(int count, float[] src, int so, int srcStride, int h, int w, int r0, int c0, int step,
                                 int rows, int width, float[] dst, int d, int dstStride) {
        cpu.subsampledPlanes(count, src, so, srcStride, h, w, r0, c0, step, rows, width, dst, d, dstStride);   // a copy: CPU
    }

    @Override
    public void subsampledPlaneColumns(int cols, int colStride, int count, float[] src, int so, int srcStride, int h, int w,
                                       int r0, int c0, int step, int rows, int width, float[] dst, int d, int dstStride) {
        cpu.subsampledPlaneColumns(cols, colStride, count, src, so, srcStride, h, w, r0, c0, step, rows, width, dst, d, dstStride);   // a copy: CPU
    }

    @Override
    public void phasePlanes(int stride, int count, int h, int w, float[] src, int srcOff, int phaseStride, int srcPlane, int srcRow,
                            float[] add, int addOff, boolean overwrite, float[] dst, int dstOff, int dstPlane) {
        cpu.phasePlanes(stride, count, h, w, src, srcOff, phaseStride, srcPlane, srcRow, add, addOff, overwrite, dst, dstOff, dstPlane);   // a copy: CPU
    }

    @Override
    public void pairSqDist(int rows, int d, int kk, float[] x, int xo, float[] cT, int co, float[] wT, int wo, float[] out, int oo) {
        cpu.pairSqDist(rows, d, kk, x, xo, cT, co, wT, wo, out, oo);   // batch × K pair terms: CPU
    }

    @Override
    public void pairSqDistBackward(int rows, int d, int kk, float[] x, int xo, float[] cT, int co, float[] wT, int wo,
                                   float[] g, int go, float[] gx, int gxo, float[] gcT, int gco, float[] gwT, int gwo) {
        cpu.pairSqDistBackward(rows, d, kk, x, xo, cT, co, wT, wo, g, go, gx, gxo, gcT, gco, gwT, gwo);
    }

    @Override
    public boolean hasLaneTiles() { return cpu.hasLaneTiles(); }

    @Override
    public void laneTile(int nseg, int[] segA, int[] segB, int kc, float[] a, float[] b, float[] out, int o) {
        cpu.laneTile(nseg, segA, segB, kc, a, b, out, o);   // one register tile: CPU
    }

    @Override
    public void toLanes(float[] src, int sOff, int imgStride, int images, int channels, int pixels, float[] dst, int dOff,
                        int pixelStride) {
        cpu.toLanes(src, sOff, imgStride, images, channels, pixels, dst, dOff, pixelStride);
    }

    @Override
    public void fromLanes(float[] src, int sOff, int pixelStride, int images, int channels, int pixels, float[] bias,
                          boolean overwrite, float[] dst, int dOff, int imgStride, int chanStride) {
        cpu.fromLanes(src, sOff, pixelStride, images, channels, pixels, bias, overwrite, dst, dOff, imgStride, chanStride);
    }

    @Override
    public void tapGemm(int m, int taps, int images, int npix, float[] a, float[] init, float[] planes, int imgStride,
                        int[] tapOff, float beta, float[] c, int cOff, int cImg, int ldc) {
        cpu.tapGemm(m, taps, images, npix, a, init, planes, imgStride, tapOff, beta, c, cOff, cImg, ldc);   // a group of images: CPU
    }

    @Override
    public void tapGradient(int m, int taps, int images, int npix, float[] gy, int gyOff, int gyImg, float[] planes,
                            int imgStride, int[] tapOff, float[] gw, int gwOff, int ldw) {
        cpu.tapGradient(m, taps, images, npix, gy, gyOff, gyImg, planes, imgStride, tapOff, gw, gwOff, ldw);
    }

    private synchronized void deviceSgemm(boolean transA, boolean transB, int m, int n, int k,
                                          float alpha, float[] a, int aOff, int lda,
                                          float[] b, int bOff, int ldb,
                                          float beta, float[] c, int cOff, int ldc) {
        // A and B: upload the span they occupy, gaps between rows included (harmless to read),
        // and keep their leading dimensions.
        int aSpan = span(transA ? k : m, transA ? m : k, lda);
        int bSpan = span(transB ? n : k, transB ? k : n, ldb);
        da = ensure(da, aSpan);
        db = ensure(db, bSpan);
        dc = ensure(dc, (long) m * n);
        if (aSpan > 0) da.upload(a, aOff, 0, aSpan);
        if (bSpan > 0) db.upload(b, bOff, 0, bSpan);
        // C lives packed (ld = n) on the device: downloading a span with gaps would overwrite
        // the caller's elements between rows, which are not ours to touch.
        boolean packed = ldc == n;
        if (beta != 0f) {
            if (packed) dc.upload(c, cOff, 0, m * n);
            else {
                float[] pc = packedScratch(m * n);
                for (int i = 0; i < m; i++) System.arraycopy(c, cOff + i * ldc, pc, i * n, n);
                dc.upload(pc, 0, 0, m * n);
            }
        }
        cuda.blas().sgemm(transA, transB, m, n, k, alpha, da, 0, lda, db, 0, ldb, beta, dc, 0, n);
        if (packed) dc.download(0, c, cOff, m * n);
        else {
            float[] pc = packedScratch(m * n);
            dc.download(0, pc, 0, m * n);
            for (int i = 0; i < m; i++) System.arraycopy(pc, i * n, c, cOff + i * ldc, n);
        }
    }

    private static int span(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : Math.toIntExact((long) (rows - 1) * ld + cols);
    }

    private DeviceBuffer ensure(DeviceBuffer buf, long length) {
        long need = Math.max(1, length);
        if (buf != null && buf.length() >= need) return buf;
        if (buf != null) buf.close();
        // grow by half again so a slowly increasing size does not reallocate every call
        return DeviceBuffer.allocate(cuda, buf == null ? need : Math.max(need, buf.length() * 3 / 2));
    }

    private float[] packedScratch(int n) {
        if (packedC.length < n) packedC = new float[n];
        return packedC;
    }

    /** Frees the device scratch buffers (the context itself belongs to whoever opened it). */
    @Override
    public synchronized void close() {
        for (DeviceBuffer d : new DeviceBuffer[] {da, db, dc}) if (d != null) d.close();
        da = db = dc = null;
    }

    // ---------------------------------------------------------------- everything else: CPU

    @Override public void add(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        cpu.add(n, a, aOff, b, bOff, out, outOff);
    }

    @Override public void sub(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        cpu.sub(n, a, aOff, b, bOff, out, outOff);
    }

    @Override public void mul(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        cpu.mul(n, a, aOff, b, bOff, out, outOff);
    }

    @Override public void mulAcc(int n, float[] a, int aOff, float[] b, int bOff, float[] acc, int accOff) {
        cpu.mulAcc(n, a, aOff, b, bOff, acc, accOff);
    }

    @Override public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        cpu.axpy(n, alpha, x, xOff, y, yOff);
    }

    @Override public void scale(int n, float alpha, float[] x, int xOff, float[] out, int outOff) {
        cpu.scale(n, alpha, x, xOff, out, outOff);
    }

    @Override public void exp(int n, float[] x, int xOff, float[] out, int outOff) {
        cpu.exp(n, x, xOff, out, outOff);
    }

    @Override public void log(int n, float[] x, int xOff, float[] out, int outOff) {
        cpu.log(n, x, xOff, out, outOff);
    }

    @Override public void sigmoid(int n, float[] x, int xOff, float[] out, int outOff) {
        cpu.sigmoid(n, x, xOff, out, outOff);
    }

    @Override public void softplus(int n, float[] x, int xOff, float[] out, int outOff) {
        cpu.softplus(n, x, xOff, out, outOff);
    }

    @Override public void biasRelu(int rows, int cols, float[] y, int yOff, float[] bias, int biasOff) {
        cpu.biasRelu(rows, cols, y, yOff, bias, biasOff);
    }

    @Override public void reluMaskColSums(int rows, int cols, float[] h, int hOff, float[] g, int gOff, float[] gb, int gbOff) {
        cpu.reluMaskColSums(rows, cols, h, hOff, g, gOff, gb, gbOff);
    }

    @Override public void bceRows(int rows, int cols, float[] logits, int lOff, float[] targets, int tOff, float[] loss,
                                  int lossOff, float[] d, int dOff) {
        cpu.bceRows(rows, cols, logits, lOff, targets, tOff, loss, lossOff, d, dOff);
    }

    @Override public void relu(int n, float[] x, int xOff, float[] out, int outOff) {
        cpu.relu(n, x, xOff, out, outOff);
    }

    @Override public void tanh(int n, float[] x, int xOff, float[] out, int outOff) {
        cpu.tanh(n, x, xOff, out, outOff);
    }

    @Override public void reluBackward(int n, float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff) {
        cpu.reluBackward(n, x, xOff, gy, gyOff, gx, gxOff);
    }

    @Override public void sigmoidBackward(int n, float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff) {
        cpu.sigmoidBackward(n, y, yOff, gy, gyOff, gx, gxOff);
    }

    @Override public void tanhBackward(int n, float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff) {
        cpu.tanhBackward(n, y, yOff, gy, gyOff, gx, gxOff);
    }

    @Override public void softplusBackward(int n, float[] x, int xOff, float[] gy, int gyOff, float[] gx, int gxOff) {
        cpu.softplusBackward(n, x, xOff, gy, gyOff, gx, gxOff);
    }

    @Override public void addRow(int rows, int cols, float[] x, int xOff, float[] row, int rowOff, float[] out, int outOff) {
        cpu.addRow(rows, cols, x, xOff, row, rowOff, out, outOff);
    }

    @Override public void colSumsAcc(int rows, int cols, float[] x, int xOff, float[] out, int outOff) {
        cpu.colSumsAcc(rows, cols, x, xOff, out, outOff);
    }

    @Override public void rowSums(int rows, int cols, float[] x, int xOff, float[] out, int outOff) {
        cpu.rowSums(rows, cols, x, xOff, out, outOff);
    }

    @Override public void rowMax(int rows, int cols, float[] x, int xOff, float[] out, int outOff) {
        cpu.rowMax(rows, cols, x, xOff, out, outOff);
    }

    @Override public void rowLogSumExp(int rows, int cols, float[] x, int xOff, float[] out, int outOff) {
        cpu.rowLogSumExp(rows, cols, x, xOff, out, outOff);
    }

    @Override public void logSoftmaxBackward(int rows, int cols, float[] y, int yOff, float[] gy, int gyOff, float[] gx, int gxOff) {
        cpu.logSoftmaxBackward(rows, cols, y, yOff, gy, gyOff, gx, gxOff);
    }

    @Override public void rowSoftmax(int rows, int cols, float[] x, int xOff, float[] out, int outOff) {
        cpu.rowSoftmax(rows, cols, x, xOff, out, outOff);
    }

    @Override public double sumSquares(int n, float[] x, int xOff) {
        return cpu.sumSquares(n, x, xOff);
    }

    @Override public double sum(int n, float[] x, int xOff) {
        return cpu.sum(n, x, xOff);
    }

    @Override public double bceWithLogits(int n, float[] logits, int lOff, float[] targets, int tOff, float[] grad, int gOff, float scale) {
        return cpu.bceWithLogits(n, logits, lOff, targets, tOff, grad, gOff, scale);
    }

    @Override public void adam(int n, float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        cpu.adam(n, p, pOff, g, gOff, m, mOff, v, vOff, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
    }

    @Override public void adamThenZeroGrad(int n, float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                                           float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        cpu.adamThenZeroGrad(n, p, pOff, g, gOff, m, mOff, v, vOff, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
    }
}

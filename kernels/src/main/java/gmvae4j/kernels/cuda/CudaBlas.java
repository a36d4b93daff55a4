package gmvae4j.kernels.cuda;

import java.lang.foreign.MemorySegment;

/**
 * cuBLAS on {@link DeviceBuffer}s with gmvae4j's conventions: row-major matrices with an
 * explicit leading dimension and offsets counted in floats, exactly like
 * {@link gmvae4j.kernels.Kernels#sgemm}. Obtain it from {@link CudaContext#blas()}.
 *
 * <h2>Row-major through a column-major library</h2>
 * cuBLAS is column-major (Fortran). A row-major {@code r x c} matrix with leading dimension
 * {@code ld} occupies memory exactly like a column-major {@code c x r} matrix with the same
 * leading dimension: it <em>is</em> its transpose, read column-major. So to compute the
 * row-major {@code C = op(A)·op(B)} we ask cuBLAS for the column-major
 * <pre>
 *     Cᵀ = (op(A)·op(B))ᵀ = op(B)ᵀ · op(A)ᵀ
 * </pre>
 * i.e. {@code cublasSgemm(opB, opA, n, m, k, alpha, B, ldb, A, lda, beta, C, ldc)}: the
 * operands swap places, m and n swap, and each keeps its own transpose flag and leading
 * dimension. (Reading B's memory column-major already yields Bᵀ, which is what op(B)ᵀ
 * needs when B is not transposed; when it is, cuBLAS's own transpose gives op(B)ᵀ.)
 * No data is moved or transposed; it is the standard trick, and {@link #geam} and
 * {@link #scaleColumns}/{@link #scaleRows} use the same reading.
 *
 * <p>All calls are queued asynchronously on the default stream; copies back to the host
 * ({@link DeviceBuffer#download}) and {@link CudaContext#synchronize()} wait for them.
 */
public final class CudaBlas {

    private final CudaContext ctx;
    private final Cublas lib;
    private final MemorySegment handle;

    CudaBlas(CudaContext ctx, Cublas lib) {
        this.ctx = ctx;
        this.lib = lib;
        ctx.use();
        this.handle = lib.create();
    }

    /** cuBLAS's version number, e.g. 120402 for 12.4.2. */
    public int version() {
        ctx.use();
        return lib.version(handle);
    }

    void destroy() { lib.destroy(handle); }

    /**
     * C = alpha·op(A)·op(B) + beta·C, row-major, on the device; same contract as
     * {@link gmvae4j.kernels.Kernels#sgemm} (beta == 0 overwrites C, NaNs in C do not
     * propagate: cuBLAS does not read C when beta is 0).
     */
    public synchronized void sgemm(boolean transA, boolean transB, int m, int n, int k,
                                   float alpha, DeviceBuffer a, long aOff, int lda,
                                   DeviceBuffer b, long bOff, int ldb,
                                   float beta, DeviceBuffer c, long cOff, int ldc) {
        a.checkMatrix("A", aOff, transA ? k : m, transA ? m : k, lda);
        b.checkMatrix("B", bOff, transB ? n : k, transB ? k : n, ldb);
        c.checkMatrix("C", cOff, m, n, ldc);
        if (m == 0 || n == 0) return;
        ctx.use();
        if (k == 0) {       // BLAS says C = beta·C; cuBLAS may reject lda = 0 shapes, so do it here
            scaleMatrix(m, n, beta, c, cOff, ldc);
            return;
        }
        // Column-major Cᵀ (n x m) = op(B)ᵀ (n x k) · op(A)ᵀ (k x m): see the class comment.
        lib.sgemm(handle, op(transB), op(transA), n, m, k,
                alpha, b.at(bOff), ldb, a.at(aOff), lda, beta, c.at(cOff), ldc);
    }

    /**
     * C = alpha·op(A) + beta·op(B), row-major m x n (cublasSgeam; also a device transpose with
     * beta = 0). C may be A or B when not transposed and the leading dimensions agree.
     */
    public synchronized void geam(boolean transA, boolean transB, int m, int n,
                                  float alpha, DeviceBuffer a, long aOff, int lda,
                                  float beta, DeviceBuffer b, long bOff, int ldb,
                                  DeviceBuffer c, long cOff, int ldc) {
        a.checkMatrix("A", aOff, transA ? n : m, transA ? m : n, lda);
        b.checkMatrix("B", bOff, transB ? n : m, transB ? m : n, ldb);
        c.checkMatrix("C", cOff, m, n, ldc);
        if (m == 0 || n == 0) return;
        ctx.use();
        // Column-major Cᵀ (n x m) = alpha·op(A)ᵀ + beta·op(B)ᵀ: flags kept, dimensions swapped.
        lib.sgeam(handle, op(transA), op(transB), n, m, alpha, a.at(aOff), lda, beta, b.at(bOff), ldb, c.at(cOff), ldc);
    }

    /** y += alpha·x over n contiguous floats (cublasSaxpy). */
    public synchronized void axpy(int n, float alpha, DeviceBuffer x, long xOff, DeviceBuffer y, long yOff) {
        x.checkRange(xOff, n);
        y.checkRange(yOff, n);
        if (n == 0) return;
        ctx.use();
        lib.saxpy(handle, n, alpha, x.at(xOff), 1, y.at(yOff), 1);
    }

    /** x *= alpha over n contiguous floats, in place (cublasSscal). */
    public synchronized void scale(int n, float alpha, DeviceBuffer x, long xOff) {
        x.checkRange(xOff, n);
        if (n == 0) return;
        ctx.use();
        lib.sscal(handle, n, alpha, x.at(xOff), 1);
    }

    /** out = a ⊙ b elementwise over n floats (cublasSdgmm with a as the diagonal). */
    public synchronized void mul(int n, DeviceBuffer a, long aOff, DeviceBuffer b, long bOff, DeviceBuffer out, long outOff) {
        a.checkRange(aOff, n);
        b.checkRange(bOff, n);
        out.checkRange(outOff, n);
        if (n == 0) return;
        ctx.use();
        // b as an n x 1 column-major matrix, scaled row by row by diag(a)
        lib.sdgmm(handle, Cublas.SIDE_LEFT, n, 1, b.at(bOff), n, a.at(aOff), 1, out.at(outOff), n);
    }

    /**
     * out[i,j] = x[i,j]·v[j], row-major rows x cols (each column scaled; e.g. a per-feature gain).
     * Column-major this is diag(v)·xᵀ, so side LEFT with m = cols.
     */
    public synchronized void scaleColumns(int rows, int cols, DeviceBuffer x, long xOff, int ldx,
                                          DeviceBuffer v, long vOff, DeviceBuffer out, long outOff, int ldo) {
        x.checkMatrix("x", xOff, rows, cols, ldx);
        v.checkRange(vOff, cols);
        out.checkMatrix("out", outOff, rows, cols, ldo);
        if (rows == 0 || cols == 0) return;
        ctx.use();
        lib.sdgmm(handle, Cublas.SIDE_LEFT, cols, rows, x.at(xOff), ldx, v.at(vOff), 1, out.at(outOff), ldo);
    }

    /** out[i,j] = x[i,j]·v[i], row-major rows x cols (each row scaled): side RIGHT, m = cols. */
    public synchronized void scaleRows(int rows, int cols, DeviceBuffer x, long xOff, int ldx,
                                       DeviceBuffer v, long vOff, DeviceBuffer out, long outOff, int ldo) {
        x.checkMatrix("x", xOff, rows, cols, ldx);
        v.checkRange(vOff, rows);
        out.checkMatrix("out", outOff, rows, cols, ldo);
        if (rows == 0 || cols == 0) return;
        ctx.use();
        lib.sdgmm(handle, Cublas.SIDE_RIGHT, cols, rows, x.at(xOff), ldx, v.at(vOff), 1, out.at(outOff), ldo);
    }

    /**
     * out[i,:] += row (bias add of a linear layer), as the rank-1 product ones(rows)·row:
     * {@code ones} must hold at least {@code rows} ones (keep one such buffer per model).
     */
    public void addRowAcc(int rows, int cols, DeviceBuffer row, long rowOff, DeviceBuffer ones,
                          DeviceBuffer out, long outOff, int ldo) {
        sgemm(false, false, rows, cols, 1, 1f, ones, 0, 1, row, rowOff, cols, 1f, out, outOff, ldo);
    }

    /**
     * out[j] += Σ_i x[i,j] (bias gradient), as onesᵀ·x: a 1 x rows by rows x cols product.
     */
    public void colSumsAcc(int rows, int cols, DeviceBuffer x, long xOff, int ldx, DeviceBuffer ones,
                           DeviceBuffer out, long outOff) {
        sgemm(false, false, 1, cols, rows, 1f, ones, 0, rows, x, xOff, ldx, 1f, out, outOff, cols);
    }

    private void scaleMatrix(int m, int n, float beta, DeviceBuffer c, long cOff, int ldc) {
        if (beta == 1f) return;
        if (ldc == n) {
            if (beta == 0f) c.zero(cOff, (long) m * n);
            else lib.sscal(handle, m * n, beta, c.at(cOff), 1);
            return;
        }
        for (int i = 0; i < m; i++) {
            if (beta == 0f) c.zero(cOff + (long) i * ldc, n);
            else lib.sscal(handle, n, beta, c.at(cOff + (long) i * ldc), 1);
        }
    }

    private static int op(boolean trans) { return trans ? Cublas.OP_T : Cublas.OP_N; }
}

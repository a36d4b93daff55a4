package gmvae4j.kernels.cuda;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A float array in GPU memory. Allocation is {@code cudaMalloc}, {@link #close()} is
 * {@code cudaFree}; use try-with-resources or keep it for the life of a model (weights,
 * activations and gradients should live here across a whole training step: copying a
 * matmul's operands on every call is not a GPU path).
 *
 * <p>Offsets and lengths count floats, like {@code float[]} indices. Every access is bounds
 * checked on the Java side, because a device write out of bounds corrupts memory silently.
 */
public final class DeviceBuffer implements AutoCloseable {

    private final CudaContext ctx;
    private final long address;
    private final long length;
    private boolean closed;

    private DeviceBuffer(CudaContext ctx, long address, long length) {
        this.ctx = ctx;
        this.address = address;
        this.length = length;
    }

    /** {@code length} uninitialised floats on the context's device. */
    public static DeviceBuffer allocate(CudaContext ctx, long length) {
        if (length <= 0) throw new IllegalArgumentException("device buffer length must be positive: " + length);
        ctx.use();
        long address = ctx.runtime().malloc(length * Float.BYTES);
        return new DeviceBuffer(ctx, address, length);
    }

    /** A device copy of {@code host}. */
    public static DeviceBuffer of(CudaContext ctx, float[] host) {
        DeviceBuffer b = allocate(ctx, host.length);
        try {
            b.upload(host, 0, 0, host.length);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    public long length() { return length; }

    public CudaContext context() { return ctx; }

    /** this[dstOff, dstOff+n) = src[srcOff, srcOff+n) */
    public void upload(float[] src, int srcOff, long dstOff, int n) {
        Objects.checkFromIndexSize(srcOff, n, src.length);
        checkRange(dstOff, n);
        if (n > 0) ctx.copyToDevice(src, srcOff, address + dstOff * Float.BYTES, n);
    }

    /** dst[dstOff, dstOff+n) = this[srcOff, srcOff+n) */
    public void download(long srcOff, float[] dst, int dstOff, int n) {
        Objects.checkFromIndexSize(dstOff, n, dst.length);
        checkRange(srcOff, n);
        if (n > 0) ctx.copyToHost(address + srcOff * Float.BYTES, dst, dstOff, n);
    }

    /** The whole buffer as a new array (length must fit an array). */
    public float[] download() {
        float[] out = new float[Math.toIntExact(length)];
        download(0, out, 0, out.length);
        return out;
    }

    /** this[off, off+n) = 0 (all-zero bytes are 0.0f). */
    public void zero(long off, long n) {
        checkRange(off, n);
        ctx.use();
        if (n > 0) ctx.runtime().memset(address + off * Float.BYTES, 0, n * Float.BYTES);
    }

    /** this[dstOff, dstOff+n) = src[srcOff, srcOff+n), on the device. */
    public void copyFrom(DeviceBuffer src, long srcOff, long dstOff, long n) {
        src.checkRange(srcOff, n);
        checkRange(dstOff, n);
        if (src.ctx != ctx) throw new IllegalArgumentException("buffers belong to different CUDA contexts");
        ctx.use();
        if (n > 0) ctx.runtime().memcpy(at(dstOff), src.at(srcOff), n * Float.BYTES, CudaRuntime.DEVICE_TO_DEVICE);
    }

    /** The device address of element {@code off}, as FFM hands pointers to C. */
    MemorySegment at(long off) {
        ensureOpen();
        return MemorySegment.ofAddress(address + off * Float.BYTES);
    }

    void checkRange(long off, long n) {
        ensureOpen();
        if (off < 0 || n < 0 || off > length - n)
            throw new IndexOutOfBoundsException("range [" + off + ", " + off + "+" + n + ") outside device buffer of " + length);
    }

    /**
     * Checks that a row-major {@code rows x cols} matrix with leading dimension {@code ld}
     * starting at {@code off} lies inside this buffer.
     */
    void checkMatrix(String name, long off, int rows, int cols, int ld) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException(name + ": negative size " + rows + "x" + cols);
        if (ld < Math.max(1, cols))
            throw new IllegalArgumentException(name + ": leading dimension " + ld + " < columns " + cols);
        if (rows == 0 || cols == 0) { ensureOpen(); return; }
        checkRange(off, (long) (rows - 1) * ld + cols);
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("device buffer is closed");
        ctx.ensureOpen();
    }

    /** cudaFree. Idempotent; buffers of a closed context are already gone with it. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (ctx.isClosed()) return;    // closing the context already released all device memory
        ctx.use();
        ctx.runtime().free(address);
    }
}

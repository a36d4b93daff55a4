package gmvae4j.kernels.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/**
 * An opened CUDA device: the loaded libraries, the device index, a cuBLAS handle
 * ({@link #blas()}) and a pinned host staging buffer for copies. Open one with
 * {@link CudaBackend#open}; {@link #close()} frees the handle and unloads the libraries.
 *
 * <p>Thread use: CUDA remembers the current device per host thread, so every entry point
 * here selects {@link #device()} first when it is not device 0 (the default of every thread).
 * Copies and cuBLAS calls are serialised on this object: one context, one stream, in order.
 */
public final class CudaContext implements AutoCloseable {

    /** Size of the pinned buffer that host copies go through, in bytes. */
    static final long STAGING_BYTES = 8L << 20;

    private final Arena arena;
    private final CudaRuntime rt;
    private final int device;
    private final String deviceName;
    private String description;
    private CudaBlas blas;
    private List<Path> searchDirs = List.of();
    private CudaElementwise elementwise;
    private MemorySegment staging;     // pinned when cudaMallocHost works, else from stagingArena
    private boolean stagingPinned;
    private Arena stagingArena;
    private boolean closed;

    CudaContext(Arena arena, CudaRuntime rt, int device, String deviceName) {
        this.arena = arena;
        this.rt = rt;
        this.device = device;
        this.deviceName = deviceName;
        this.description = deviceName;
    }

    void attachBlas(CudaBlas blas) { this.blas = blas; }

    void describe(String description) { this.description = description; }

    void searchDirs(List<Path> dirs) { this.searchDirs = List.copyOf(dirs); }

    /**
     * Our own elementwise/row/Adam kernels (PTX through the driver API), loaded on first use so
     * that a problem with them never stands in the way of cuBLAS. <b>Never run on a GPU by the
     * author</b>; see {@link CudaElementwise}.
     *
     * @throws CudaUnavailableException when libcuda cannot be loaded
     * @throws CudaException when the driver rejects the PTX
     */
    public synchronized CudaElementwise elementwise() {
        ensureOpen();
        if (elementwise == null) elementwise = new CudaElementwise(this, CudaDriver.load(searchDirs, arena));
        return elementwise;
    }

    public CudaRuntime runtime() { return rt; }
    public int device() { return device; }
    public String deviceName() { return deviceName; }
    /** One line: device, versions and library files, for logs and benchmark headers. */
    public String description() { return description; }
    /** The cuBLAS handle of this context, for sgemm and friends on {@link DeviceBuffer}s. */
    public CudaBlas blas() { ensureOpen(); return blas; }

    /** Selects this context's device on the calling thread. */
    void use() {
        ensureOpen();
        if (device != 0) rt.setDevice(device);
    }

    synchronized boolean isClosed() { return closed; }

    void ensureOpen() {
        if (closed) throw new IllegalStateException("CUDA context is closed");
    }

    /** Waits for all queued device work (cuBLAS calls are asynchronous). */
    public void synchronize() {
        use();
        rt.synchronize();
    }

    // ---------------------------------------------------------------- host <-> device copies

    /*
     * Why a staging buffer: the JVM may move a float[] at any time, so CUDA cannot be handed
     * its address during a long copy (FFM only allows heap arrays in "critical" calls, which
     * must be very short and hold the garbage collector off). We copy through a fixed pinned
     * native buffer in chunks: Java copies array <-> pinned memory, the GPU's copy engine does
     * pinned memory <-> device. Pageable cudaMemcpy would stage through a driver buffer anyway.
     */

    synchronized void copyToDevice(float[] src, int srcOff, long dstAddress, long n) {
        use();
        MemorySegment stage = staging();
        long chunk = stage.byteSize() / Float.BYTES;
        for (long done = 0; done < n; ) {
            int len = (int) Math.min(chunk, n - done);
            MemorySegment.copy(src, (int) (srcOff + done), stage, JAVA_FLOAT, 0, len);
            rt.memcpy(MemorySegment.ofAddress(dstAddress + done * Float.BYTES), stage,
                    (long) len * Float.BYTES, CudaRuntime.HOST_TO_DEVICE);
            done += len;
        }
    }

    synchronized void copyToHost(long srcAddress, float[] dst, int dstOff, long n) {
        use();
        MemorySegment stage = staging();
        long chunk = stage.byteSize() / Float.BYTES;
        for (long done = 0; done < n; ) {
            int len = (int) Math.min(chunk, n - done);
            rt.memcpy(stage, MemorySegment.ofAddress(srcAddress + done * Float.BYTES),
                    (long) len * Float.BYTES, CudaRuntime.DEVICE_TO_HOST);
            MemorySegment.copy(stage, JAVA_FLOAT, 0, dst, (int) (dstOff + done), len);
            done += len;
        }
    }

    private MemorySegment staging() {
        if (staging == null) {
            try {
                staging = rt.mallocHost(STAGING_BYTES);
                stagingPinned = true;
            } catch (CudaException e) {
                // Pinned memory is a limited resource (containers, ulimit -l): pageable works too.
                stagingArena = Arena.ofShared();
                staging = stagingArena.allocate(STAGING_BYTES, 64);
            }
        }
        return staging;
    }

    /** Frees the cuBLAS handle and staging buffer, then unloads the libraries. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        try {
            if (device != 0) rt.setDevice(device);
            if (elementwise != null) elementwise.unload();
            if (blas != null) blas.destroy();
            if (staging != null && stagingPinned) rt.freeHost(staging);
        } finally {
            closed = true;
            if (stagingArena != null) stagingArena.close();
            arena.close();
        }
    }

    @Override public String toString() { return description; }
}

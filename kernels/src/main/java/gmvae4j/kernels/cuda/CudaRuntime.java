package gmvae4j.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Bindings to the handful of CUDA runtime ({@code libcudart}) functions gmvae4j needs:
 * devices, memory, copies, synchronisation and error strings.
 *
 * <p>Every binding returns the C status ({@code cudaError_t}, an {@code int}); {@link #check}
 * turns a non-zero status into a {@link CudaException} that names the call and carries the
 * runtime's own description from {@code cudaGetErrorString}. C types map to layouts as on
 * 64-bit Linux: pointers are {@code ADDRESS}, {@code size_t} is {@code JAVA_LONG}, enums and
 * {@code int} are {@code JAVA_INT}.
 *
 * <p>Device pointers are plain addresses ({@link MemorySegment#ofAddress(long)}): Java never
 * dereferences them, it only hands them back to CUDA.
 */
public final class CudaRuntime {

    // enum cudaMemcpyKind
    static final int HOST_TO_DEVICE = 1, DEVICE_TO_HOST = 2, DEVICE_TO_DEVICE = 3;

    private final Path file;
    private final MethodHandle getDeviceCount, setDevice, malloc, free, mallocHost, freeHost,
            memcpy, memset, deviceSynchronize, getErrorString, runtimeGetVersion, driverGetVersion;
    private final Optional<MethodHandle> getDeviceProperties;

    private CudaRuntime(Path file, SymbolLookup lib) {
        this.file = file;
        // cudaError_t f(...) for every call below
        getDeviceCount = Native.bind(lib, file, "cudaGetDeviceCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setDevice = Native.bind(lib, file, "cudaSetDevice", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        malloc = Native.bind(lib, file, "cudaMalloc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        free = Native.bind(lib, file, "cudaFree", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        mallocHost = Native.bind(lib, file, "cudaMallocHost", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        freeHost = Native.bind(lib, file, "cudaFreeHost", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        memcpy = Native.bind(lib, file, "cudaMemcpy",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
        memset = Native.bind(lib, file, "cudaMemset", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
        deviceSynchronize = Native.bind(lib, file, "cudaDeviceSynchronize", FunctionDescriptor.of(JAVA_INT));
        getErrorString = Native.bind(lib, file, "cudaGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        runtimeGetVersion = Native.bind(lib, file, "cudaRuntimeGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        driverGetVersion = Native.bind(lib, file, "cudaDriverGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // CUDA 12 exports both cudaGetDeviceProperties_v2 and the old symbol, CUDA 13 only the
        // plain name; the device name is the first field (char[256]) in every version.
        getDeviceProperties = Native.bindOptional(lib, "cudaGetDeviceProperties_v2",
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT))
                .or(() -> Native.bindOptional(lib, "cudaGetDeviceProperties",
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)));
    }

    /** Loads the runtime at {@code file}; it stays loaded until {@code arena} closes. */
    static CudaRuntime load(Path file, Arena arena) {
        return new CudaRuntime(file, Native.open(file, arena));
    }

    /** The library file these bindings came from. */
    public Path file() { return file; }

    // ---------------------------------------------------------------- status handling

    /** Throws {@link CudaException} naming {@code call} unless {@code status} is cudaSuccess (0). */
    void check(int status, String call) {
        if (status != 0) throw new CudaException(call + " failed: " + errorString(status)
                + " (cudaError " + status + ")", status);
    }

    /** The runtime's description of a status, e.g. "out of memory". */
    public String errorString(int status) {
        try {
            return Native.cString((MemorySegment) getErrorString.invokeExact(status));
        } catch (Throwable t) {
            throw Native.unexpected("cudaGetErrorString", t);
        }
    }

    // ---------------------------------------------------------------- devices

    /** Number of CUDA devices; the status is returned, not thrown, so a probe can explain it. */
    int deviceCount(int[] count) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            int status = (int) getDeviceCount.invokeExact(p);
            count[0] = status == 0 ? p.get(JAVA_INT, 0) : 0;
            return status;
        } catch (Throwable t) {
            throw Native.unexpected("cudaGetDeviceCount", t);
        }
    }

    /**
     * Makes {@code device} current <em>for the calling thread</em> (CUDA keeps the current
     * device per host thread, so code called from several threads sets it each time).
     */
    public void setDevice(int device) {
        int status;
        try {
            status = (int) setDevice.invokeExact(device);
        } catch (Throwable t) {
            throw Native.unexpected("cudaSetDevice", t);
        }
        check(status, "cudaSetDevice(" + device + ")");
    }

    /** The device's marketing name, e.g. "NVIDIA H100 80GB HBM3", or "device N" if unknown. */
    public String deviceName(int device) {
        if (getDeviceProperties.isEmpty()) return "device " + device;
        try (Arena a = Arena.ofConfined()) {
            // cudaDeviceProp is ~1 KiB and grows between versions: give it ample room.
            MemorySegment prop = a.allocate(16 * 1024, 16);
            int status = (int) getDeviceProperties.get().invokeExact(prop, device);
            if (status != 0) return "device " + device;
            return prop.getString(0);
        } catch (Throwable t) {
            throw Native.unexpected("cudaGetDeviceProperties", t);
        }
    }

    /** cudaRuntimeGetVersion, e.g. 12040 for 12.4. */
    public int runtimeVersion() { return version(runtimeGetVersion, "cudaRuntimeGetVersion"); }

    /** cudaDriverGetVersion: the newest CUDA the installed driver supports, 0 if none. */
    public int driverVersion() { return version(driverGetVersion, "cudaDriverGetVersion"); }

    private int version(MethodHandle h, String call) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            check((int) h.invokeExact(p), call);
            return p.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Native.unexpected(call, t);
        }
    }

    /** "12.4" from 12040. */
    static String versionString(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }

    /** Waits until all work queued on the current device has finished. */
    public void synchronize() {
        int status;
        try {
            status = (int) deviceSynchronize.invokeExact();
        } catch (Throwable t) {
            throw Native.unexpected("cudaDeviceSynchronize", t);
        }
        // Kernel launch failures surface here, asynchronously, so the message says so.
        check(status, "cudaDeviceSynchronize (reports errors of earlier asynchronous work)");
    }

    // ---------------------------------------------------------------- memory

    /** cudaMalloc: the device address of {@code bytes} fresh bytes. */
    long malloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) malloc.invokeExact(out, bytes), "cudaMalloc(" + bytes + " bytes)");
            return out.get(ADDRESS, 0).address();
        } catch (Throwable t) {
            throw Native.unexpected("cudaMalloc", t);
        }
    }

    void free(long devicePtr) {
        int status;
        try {
            status = (int) free.invokeExact(MemorySegment.ofAddress(devicePtr));
        } catch (Throwable t) {
            throw Native.unexpected("cudaFree", t);
        }
        check(status, "cudaFree");
    }

    /**
     * cudaMallocHost: page-locked ("pinned") host memory. The GPU's copy engines read and
     * write it directly, so copies through it are as fast as the bus allows, where copies from
     * ordinary (pageable) memory go through a driver staging buffer.
     */
    MemorySegment mallocHost(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) mallocHost.invokeExact(out, bytes), "cudaMallocHost(" + bytes + " bytes)");
            return out.get(ADDRESS, 0).reinterpret(bytes);
        } catch (Throwable t) {
            throw Native.unexpected("cudaMallocHost", t);
        }
    }

    void freeHost(MemorySegment pinned) {
        int status;
        try {
            status = (int) freeHost.invokeExact(pinned);
        } catch (Throwable t) {
            throw Native.unexpected("cudaFreeHost", t);
        }
        check(status, "cudaFreeHost");
    }

    /** cudaMemcpy (synchronous with respect to the host for pageable and pinned memory). */
    void memcpy(MemorySegment dst, MemorySegment src, long bytes, int kind) {
        int status;
        try {
            status = (int) memcpy.invokeExact(dst, src, bytes, kind);
        } catch (Throwable t) {
            throw Native.unexpected("cudaMemcpy", t);
        }
        check(status, "cudaMemcpy(" + bytes + " bytes, " + kindName(kind) + ")");
    }

    void memset(long devicePtr, int value, long bytes) {
        int status;
        try {
            status = (int) memset.invokeExact(MemorySegment.ofAddress(devicePtr), value, bytes);
        } catch (Throwable t) {
            throw Native.unexpected("cudaMemset", t);
        }
        check(status, "cudaMemset(" + bytes + " bytes)");
    }

    private static String kindName(int kind) {
        return switch (kind) {
            case HOST_TO_DEVICE -> "host to device";
            case DEVICE_TO_HOST -> "device to host";
            case DEVICE_TO_DEVICE -> "device to device";
            default -> "kind " + kind;
        };
    }
}

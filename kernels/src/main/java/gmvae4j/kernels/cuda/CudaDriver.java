package gmvae4j.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;

/**
 * Bindings to the five CUDA <em>driver</em> API functions ({@code libcuda.so.1}, installed
 * with the NVIDIA driver, not the toolkit) needed to run our own kernels: load a PTX module,
 * find a function in it, launch it. The runtime API has no way to load PTX text; the driver
 * API does, and both share the device's primary context, which {@code cudaSetDevice} makes
 * current on the calling thread.
 *
 * <p><b>Never run on a GPU by the author</b>: only tested against a fake libcuda.
 */
final class CudaDriver {

    private final String origin;
    private final MethodHandle moduleLoadData, moduleGetFunction, launchKernel, moduleUnload, getErrorString;

    private CudaDriver(String origin, SymbolLookup lib, Path file) {
        this.origin = origin;
        // CUresult cuModuleLoadData(CUmodule *module, const void *image)
        moduleLoadData = Native.bind(lib, file, "cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // CUresult cuModuleGetFunction(CUfunction *f, CUmodule module, const char *name)
        moduleGetFunction = Native.bind(lib, file, "cuModuleGetFunction",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        // CUresult cuLaunchKernel(CUfunction f, unsigned gridX, gridY, gridZ, blockX, blockY, blockZ,
        //                         unsigned sharedMemBytes, CUstream stream, void **kernelParams, void **extra)
        launchKernel = Native.bind(lib, file, "cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        moduleUnload = Native.bind(lib, file, "cuModuleUnload", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // CUresult cuGetErrorString(CUresult error, const char **str)
        getErrorString = Native.bind(lib, file, "cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /**
     * Loads {@code libcuda.so.1} from {@code searchDirs}, else by name through the dynamic
     * loader's own search (the driver normally registers itself in ld.so.cache).
     */
    static CudaDriver load(List<Path> searchDirs, Arena arena) {
        List<CudaLibraries.Candidate> found = CudaLibraries.candidates("libcuda", searchDirs);
        if (!found.isEmpty()) {
            Path file = found.getFirst().file();
            return new CudaDriver(file.toString(), Native.open(file, arena), file);
        }
        try {
            return new CudaDriver("libcuda.so.1", SymbolLookup.libraryLookup("libcuda.so.1", arena), Path.of("libcuda.so.1"));
        } catch (IllegalArgumentException e) {
            throw new CudaUnavailableException("no libcuda.so.1 (the NVIDIA driver library) found in: "
                    + searchDirs + " nor on the loader's path: " + Native.oneLine(e.getMessage()), e);
        }
    }

    String origin() { return origin; }

    void check(int status, String call) {
        if (status == 0) return;
        String text;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int s = (int) getErrorString.invokeExact(status, out);
            text = s == 0 ? Native.cString(out.get(ADDRESS, 0)) : "unknown error";
        } catch (Throwable t) {
            text = "unknown error";
        }
        throw new CudaException(call + " failed: " + text + " (CUresult " + status + ")", status);
    }

    /** Loads a module from NUL-terminated PTX text (the driver JIT-compiles it for this GPU). */
    MemorySegment loadModule(String ptx) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) moduleLoadData.invokeExact(out, a.allocateFrom(ptx)), "cuModuleLoadData");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Native.unexpected("cuModuleLoadData", t);
        }
    }

    MemorySegment function(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) moduleGetFunction.invokeExact(out, module, a.allocateFrom(name)), "cuModuleGetFunction(" + name + ")");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Native.unexpected("cuModuleGetFunction", t);
        }
    }

    /**
     * Launches on the default stream (the one cuBLAS and cudaMemcpy use here, so the order of
     * all device work is the order of the calls). {@code params} is the C {@code void*[]}
     * whose entries point at each argument's value.
     */
    void launch(MemorySegment function, String name, int gridX, int blockX, MemorySegment params) {
        int status;
        try {
            status = (int) launchKernel.invokeExact(function, gridX, 1, 1, blockX, 1, 1, 0,
                    MemorySegment.NULL, params, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Native.unexpected("cuLaunchKernel", t);
        }
        check(status, "cuLaunchKernel(" + name + ", grid " + gridX + ", block " + blockX + ")");
    }

    void unload(MemorySegment module) {
        int status;
        try {
            status = (int) moduleUnload.invokeExact(module);
        } catch (Throwable t) {
            throw Native.unexpected("cuModuleUnload", t);
        }
        check(status, "cuModuleUnload");
    }
}

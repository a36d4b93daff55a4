package gmvae4j.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Raw bindings to the cuBLAS functions gmvae4j uses, with cuBLAS's own (column-major, Fortran)
 * conventions; {@link CudaBlas} is the row-major, {@link DeviceBuffer}-based face of them.
 *
 * <p>cuBLAS takes {@code alpha} and {@code beta} by pointer; in the default "host pointer
 * mode" it reads them during the call, so a small confined arena per call is enough.
 * Every {@code cublasStatus_t} is checked and reported with the call's name.
 */
final class Cublas {

    // cublasOperation_t and cublasSideMode_t
    static final int OP_N = 0, OP_T = 1;
    static final int SIDE_LEFT = 0, SIDE_RIGHT = 1;

    private final Path file;
    private final MethodHandle create, destroy, getVersion, sgemm, sgeam, saxpy, sscal, sdgmm;
    private final Optional<MethodHandle> getStatusString;

    private Cublas(Path file, SymbolLookup lib) {
        this.file = file;
        create = Native.bind(lib, file, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = Native.bind(lib, file, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getVersion = Native.bind(lib, file, "cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // cublasSgemm_v2(handle, transa, transb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc)
        sgemm = Native.bind(lib, file, "cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        // cublasSgeam(handle, transa, transb, m, n, *alpha, A, lda, *beta, B, ldb, C, ldc)
        sgeam = Native.bind(lib, file, "cublasSgeam", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
        // cublasSaxpy_v2(handle, n, *alpha, x, incx, y, incy)
        saxpy = Native.bind(lib, file, "cublasSaxpy_v2", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
        // cublasSscal_v2(handle, n, *alpha, x, incx)
        sscal = Native.bind(lib, file, "cublasSscal_v2", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        // cublasSdgmm(handle, side, m, n, A, lda, x, incx, C, ldc)
        sdgmm = Native.bind(lib, file, "cublasSdgmm", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
        getStatusString = Native.bindOptional(lib, "cublasGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /**
     * Loads cuBLAS. Its companion {@code libcublasLt} is loaded first from the same folder when
     * present: the dynamic loader then resolves cuBLAS's dependency on it by name even when
     * that folder is not on the loader's search path (as with toolkits outside ld.so.conf).
     */
    static Cublas load(CudaLibraries.Candidate cublas, Arena arena) {
        CudaLibraries.cublasLtNextTo(cublas).ifPresent(lt -> Native.open(lt, arena));
        return new Cublas(cublas.file(), Native.open(cublas.file(), arena));
    }

    Path file() { return file; }

    void check(int status, String call) {
        if (status != 0) throw new CudaException(call + " failed: " + statusString(status)
                + " (cublasStatus " + status + ")", status);
    }

    String statusString(int status) {
        if (getStatusString.isPresent()) {
            try {
                return Native.cString((MemorySegment) getStatusString.get().invokeExact(status));
            } catch (Throwable t) {
                throw Native.unexpected("cublasGetStatusString", t);
            }
        }
        return switch (status) {   // cublasGetStatusString appeared in CUDA 11.4
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "unknown cuBLAS status";
        };
    }

    // ---------------------------------------------------------------- handle

    /** cublasCreate_v2: a handle bound to the current device (needs a working driver). */
    MemorySegment create() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) create.invokeExact(out), "cublasCreate_v2");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Native.unexpected("cublasCreate_v2", t);
        }
    }

    void destroy(MemorySegment handle) {
        int status;
        try {
            status = (int) destroy.invokeExact(handle);
        } catch (Throwable t) {
            throw Native.unexpected("cublasDestroy_v2", t);
        }
        check(status, "cublasDestroy_v2");
    }

    int version(MemorySegment handle) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check((int) getVersion.invokeExact(handle, out), "cublasGetVersion_v2");
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Native.unexpected("cublasGetVersion_v2", t);
        }
    }

    // ---------------------------------------------------------------- BLAS, column-major

    void sgemm(MemorySegment h, int opA, int opB, int m, int n, int k, float alpha,
               MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            int status = (int) sgemm.invokeExact(h, opA, opB, m, n, k, arena.allocateFrom(JAVA_FLOAT, alpha),
                    a, lda, b, ldb, arena.allocateFrom(JAVA_FLOAT, beta), c, ldc);
            check(status, "cublasSgemm_v2(" + op(opA) + op(opB) + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ")");
        } catch (Throwable t) {
            throw Native.unexpected("cublasSgemm_v2", t);
        }
    }

    void sgeam(MemorySegment h, int opA, int opB, int m, int n, float alpha, MemorySegment a, int lda,
               float beta, MemorySegment b, int ldb, MemorySegment c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            int status = (int) sgeam.invokeExact(h, opA, opB, m, n, arena.allocateFrom(JAVA_FLOAT, alpha), a, lda,
                    arena.allocateFrom(JAVA_FLOAT, beta), b, ldb, c, ldc);
            check(status, "cublasSgeam(" + op(opA) + op(opB) + ", m=" + m + ", n=" + n + ")");
        } catch (Throwable t) {
            throw Native.unexpected("cublasSgeam", t);
        }
    }

    void saxpy(MemorySegment h, int n, float alpha, MemorySegment x, int incx, MemorySegment y, int incy) {
        try (Arena arena = Arena.ofConfined()) {
            int status = (int) saxpy.invokeExact(h, n, arena.allocateFrom(JAVA_FLOAT, alpha), x, incx, y, incy);
            check(status, "cublasSaxpy_v2(n=" + n + ")");
        } catch (Throwable t) {
            throw Native.unexpected("cublasSaxpy_v2", t);
        }
    }

    void sscal(MemorySegment h, int n, float alpha, MemorySegment x, int incx) {
        try (Arena arena = Arena.ofConfined()) {
            int status = (int) sscal.invokeExact(h, n, arena.allocateFrom(JAVA_FLOAT, alpha), x, incx);
            check(status, "cublasSscal_v2(n=" + n + ")");
        } catch (Throwable t) {
            throw Native.unexpected("cublasSscal_v2", t);
        }
    }

    void sdgmm(MemorySegment h, int side, int m, int n, MemorySegment a, int lda,
               MemorySegment x, int incx, MemorySegment c, int ldc) {
        int status;
        try {
            status = (int) sdgmm.invokeExact(h, side, m, n, a, lda, x, incx, c, ldc);
        } catch (Throwable t) {
            throw Native.unexpected("cublasSdgmm", t);
        }
        check(status, "cublasSdgmm(" + (side == SIDE_LEFT ? "left" : "right") + ", m=" + m + ", n=" + n + ")");
    }

    private static String op(int op) { return op == OP_N ? "N" : "T"; }
}

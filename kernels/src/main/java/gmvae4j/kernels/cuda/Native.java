package gmvae4j.kernels.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The few lines of Foreign Function &amp; Memory plumbing the CUDA bindings share: open a
 * shared library by its full path, and turn C symbols into {@link MethodHandle}s.
 *
 * <p>Both {@link SymbolLookup#libraryLookup(Path, Arena)} and
 * {@link Linker#downcallHandle(MemorySegment, FunctionDescriptor, Linker.Option...)} are
 * <em>restricted</em> methods: the JVM must be started with
 * {@code --enable-native-access=ALL-UNNAMED} (the launcher and surefire do), otherwise they
 * warn or, under {@code --illegal-native-access=deny}, throw {@link IllegalCallerException}.
 */
final class Native {
    private Native() {}

    static final Linker LINKER = Linker.nativeLinker();

    /** Opens the library at {@code file}; it stays loaded until {@code arena} is closed. */
    static SymbolLookup open(Path file, Arena arena) {
        try {
            return SymbolLookup.libraryLookup(file, arena);
        } catch (IllegalArgumentException e) {
            // dlopen failed: not an ELF file, wrong architecture, a missing dependency, ...
            throw new CudaUnavailableException("cannot load " + file + ": " + oneLine(e.getMessage()), e);
        } catch (IllegalCallerException e) {
            throw new CudaUnavailableException("native access is disabled: start java with "
                    + "--enable-native-access=ALL-UNNAMED (./gmvae does)", e);
        }
    }

    /** A downcall handle for a symbol that must exist. */
    static MethodHandle bind(SymbolLookup lib, Path file, String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = lib.find(name).orElseThrow(() ->
                new CudaUnavailableException(file + " has no symbol " + name + " (an unexpected or too old version?)"));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** A downcall handle for a symbol that newer or older versions may lack. */
    static Optional<MethodHandle> bindOptional(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return lib.find(name).map(symbol -> LINKER.downcallHandle(symbol, fd));
    }

    /** A NUL-terminated C string returned by the library (it owns the memory), or "" for NULL. */
    static String cString(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) return "";
        // The returned pointer is a zero-length segment: widen it to read up to the NUL.
        return p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /**
     * What to throw when {@code invokeExact} itself throws: runtime exceptions and errors pass
     * through unchanged; a checked throwable (never expected from a C function) is wrapped.
     */
    static RuntimeException unexpected(String call, Throwable t) {
        if (t instanceof RuntimeException re) return re;
        if (t instanceof Error e) throw e;
        return new CudaException(call + " could not be invoked: " + t, t);
    }
}

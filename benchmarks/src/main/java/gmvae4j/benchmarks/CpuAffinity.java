package gmvae4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Which CPUs the calling thread may run on: Linux's {@code sched_getaffinity} and
 * {@code sched_setaffinity} (pid 0: the calling thread) over the FFM API. How {@code bench kernels}
 * measures its one-thread rows on each core in turn ({@link KernelBench.Options#rounds}).
 *
 * <p>Why: on a shared host one core can run slow for minutes while the other does not (measured on
 * the 2-core Zen 5, 2026-12-07: a 512³ sgemm pinned to cpu 0 at 150-165 GFLOP/s for whole 30-s runs
 * while the same program pinned to cpu 1, at the same time, ran at 185-195; an FMA loop on
 * registers ran at full speed on both). A one-thread row stays on the core the scheduler gave its
 * thread, so rounds spread in time alone can all land on the slow one.
 *
 * <p>Where the calls are missing (not Linux, no native access) every method answers "unknown" or
 * false, and the caller measures where the scheduler puts it, as before.
 */
final class CpuAffinity {
    private CpuAffinity() {}

    /** Bytes of a cpu_set_t: glibc's 1024 CPUs. */
    private static final int SET_BYTES = 128;

    private static final MethodHandle GET = handle("sched_getaffinity"), SET = handle("sched_setaffinity");

    private static MethodHandle handle(String name) {
        if (!CpuAffinity.class.getModule().isNativeAccessEnabled()) return null;
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find(name).map(s -> linker.downcallHandle(s, FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS))).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The CPUs the calling thread may run on now, ascending; empty when that cannot be asked. */
    static int[] allowed() {
        if (GET == null) return new int[0];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SET_BYTES);
            if ((int) GET.invokeExact(0, (long) SET_BYTES, set) != 0) return new int[0];
            return java.util.stream.IntStream.range(0, SET_BYTES * 8)
                    .filter(c -> (set.get(ValueLayout.JAVA_BYTE, c / 8) & 1 << c % 8) != 0).toArray();
        } catch (Throwable e) {
            return new int[0];
        }
    }

    /** Lets the calling thread run only on these CPUs; false when that cannot be done. */
    static boolean allow(int... cpus) {
        if (SET == null || cpus.length == 0) return false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SET_BYTES);
            for (int c : cpus) {
                if (c < 0 || c >= SET_BYTES * 8) return false;
                set.set(ValueLayout.JAVA_BYTE, c / 8, (byte) (set.get(ValueLayout.JAVA_BYTE, c / 8) | 1 << c % 8));
            }
            return (int) SET.invokeExact(0, (long) SET_BYTES, set) == 0;
        } catch (Throwable e) {
            return false;
        }
    }
}

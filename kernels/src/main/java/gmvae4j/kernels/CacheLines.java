package gmvae4j.kernels;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Where a {@code float[]}'s values meet a 64-byte cache line, so that packed panels can start on
 * one and every 64-byte vector load from them touches one line, not two; and {@link #touch}, a
 * read of an array's lines in order ahead of reads in an order the prefetcher does not follow.
 *
 * <p>Why: the JVM places a heap array on an 8-byte boundary only (its values start 16 bytes into
 * the object), so a panel packed from index 0 starts anywhere within a line, and each 16-float
 * load of it straddles two lines three times in four. Zen 5 takes such loads in its stride
 * (one JVM, the two layouts alternating, one and two threads: level, −1.4% to +1.9%). Intel's
 * cores pay for them: on the GPU machine's Xeon (Emerald Rapids), one JVM alternating 8 rounds,
 * one thread, medians 128×512×512 110.6 → 128.2 GFLOP/s, 128×784×512 116.6 → 130.0, 512³
 * 133.9 → 150.4, 1024³ 127.3 → 146.9.
 *
 * <p>How: the JDK gives no array's address, but a <em>critical</em> downcall may pass a heap array
 * to C (the GC waits for it to return), and libc's {@code memset(p, 0, 0)} writes nothing and
 * returns {@code p}: the address of the array's first value at that moment. The GC may move the
 * array later, so a product asks again each time it packs (one short call, tens of
 * nanoseconds); a stale answer costs speed, never correctness. Without native access (a JVM
 * started without {@code --enable-native-access}, which the launcher and the tests give) every
 * answer is 0, the old layout, and nothing is printed.
 */
final class CacheLines {
    private CacheLines() {}

    /** Floats in a 64-byte line. */
    static final int FLOATS = 16;

    private static final MethodHandle MEMSET = memset();

    private static MethodHandle memset() {
        if (!CacheLines.class.getModule().isNativeAccessEnabled()) return null;
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("memset").map(s -> linker.downcallHandle(s,
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
                    Linker.Option.critical(true))).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;    // no libc memset to ask: panels keep index 0
        }
    }

    /** True when {@link #start} can say where arrays lie (native access enabled, memset found). */
    static boolean known() { return MEMSET != null; }

    /** The address of a[0] now, or -1 when unknown. */
    static long address(float[] a) {
        if (MEMSET == null) return -1;
        try {
            return ((MemorySegment) MEMSET.invokeExact(MemorySegment.ofArray(a), 0, 0L)).address();
        } catch (Throwable e) {
            return -1;
        }
    }

    /**
     * The first index at or after 0 whose value starts a 64-byte line (0 .. 15), or 0 when
     * unknown. A buffer holding a panel from there needs {@link #FLOATS} − 1 floats of slack.
     */
    static int start(float[] a) {
        long p = address(a);
        if (p < 0 || (p & 3) != 0) return 0;
        return (int) ((FLOATS - (p >>> 2) % FLOATS) % FLOATS);
    }

    /**
     * Reads a[from .. to) one float per line, front to back, and returns their sum (for the
     * caller to keep, so that the reads are not dropped): a read-ahead, for data that is about to
     * be read in an order the hardware prefetcher does not follow. The JDK has no prefetch
     * instruction; a plain forward scan is the pattern the prefetcher streams best, and it leaves
     * the lines in L2 for the strided reads that come next.
     */
    static float touch(float[] a, int from, int to) {
        float sum = 0f;
        for (int i = from; i < to; i += FLOATS) sum += a[i];
        return sum;
    }
}

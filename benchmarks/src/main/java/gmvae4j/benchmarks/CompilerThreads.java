package gmvae4j.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time the JIT's compiler threads have used so far, from Linux's /proc/self/task: a
 * compilation still running shows here while it runs.
 *
 * <p>Why not the JDK's {@code CompilationMXBean.getTotalCompilationTime()}: HotSpot adds a
 * compilation's time to that total when the compilation ends, so a long one still running when a
 * warm-up window closes is invisible to it. Measured (`./gmvae bench train --variant mixture --z 10
 * --rounds 3 --no-peer`, -XX:+PrintCompilation, Zen 5, 2026-12-06): C2 compiled
 * {@code BatchShards::run} (859 bytes, called once a step, so it reaches C2 only after thousands of
 * steps) from 14.39 to 15.19 s, the warm-up ended at 14.78 s with that total quiet, and the first
 * timed round ran at 7.66 ms a step against 5.16 and 5.52 in the two after it.
 *
 * <p>HotSpot names its compiler threads "C1 CompilerThreadN" and "C2 CompilerThreadN" (Linux keeps 15
 * characters of a thread's name: "C2 CompilerThre"); Graal's are "JVMCI CompilerThreadN". Times are
 * in clock ticks of 10 ms (USER_HZ is 100 on Linux). Where there is no /proc, {@link #cpuMillis}
 * says -1 and the caller relies on the MXBean alone.
 */
final class CompilerThreads {
    private CompilerThreads() {}

    /** Milliseconds a clock tick of /proc's utime and stime stands for (USER_HZ = 100). */
    static final int MILLIS_PER_TICK = 10;

    /**
     * CPU milliseconds the compiler threads of this JVM now alive have used, or -1 where
     * /proc/self/task cannot be read or holds no thread by those names (the caller then goes by the
     * MXBean alone). HotSpot may end an idle compiler thread and start one later
     * (UseDynamicNumberOfCompilerThreads): the sum then drops by the time of the one that ended,
     * and a window in which that happens reads as quiet.
     */
    static long cpuMillis() {
        long ticks = 0;
        int found = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    if (!isCompiler(Files.readString(t.resolve("comm")).strip())) continue;
                    long n = ticks(Files.readString(t.resolve("stat")));
                    if (n < 0) continue;
                    ticks += n;
                    found++;
                } catch (IOException e) {
                    // the thread ended between the listing and the read: it compiles no more
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return found == 0 ? -1 : ticks * MILLIS_PER_TICK;
    }

    /** True for the name (as /proc shows it) of a JIT compiler thread. */
    static boolean isCompiler(String comm) {
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre") || comm.startsWith("JVMCI CompilerT");
    }

    /**
     * utime + stime, in clock ticks, from one /proc/.../stat line, or -1 when it is not one. The
     * thread's name (field 2) sits in brackets and may hold spaces and brackets itself, so the fields
     * are counted from the last ')': utime and stime are fields 14 and 15 of the line, the 12th
     * and 13th after the name.
     */
    static long ticks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) return -1;
        String[] f = stat.substring(close + 1).strip().split("\\s+");
        if (f.length < 13) return -1;
        try {
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

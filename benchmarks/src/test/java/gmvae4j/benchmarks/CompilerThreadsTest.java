package gmvae4j.benchmarks;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JIT's CPU time read from /proc, so that a warm-up sees a compilation still running. */
class CompilerThreadsTest {

    /** A compiler thread's stat line as Linux writes it: utime 1234 and stime 56 ticks. */
    @Test
    void ticksAreUtimePlusStimeCountedFromTheLastBracket() {
        String line = "13021 (C2 CompilerThre) S 13004 13004 9 0 -1 1077936192 40000 0 0 0 1234 56 0 0 20 0 30 0 "
                + "218 3000000000 5000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 -1 1 0 0 0 0 0";
        assertEquals(1290, CompilerThreads.ticks(line));
        // a name with a space and a bracket of its own does not shift the fields
        assertEquals(1290, CompilerThreads.ticks(line.replace("(C2 CompilerThre)", "(a) b (c)")));
        assertEquals(-1, CompilerThreads.ticks("13021 (C2 CompilerThre) S 1 2"), "too few fields");
        assertEquals(-1, CompilerThreads.ticks("no brackets"));
    }

    @Test
    void compilerThreadsAreKnownByTheirNames() {
        assertTrue(CompilerThreads.isCompiler("C2 CompilerThre"));
        assertTrue(CompilerThreads.isCompiler("C1 CompilerThre"));
        assertTrue(CompilerThreads.isCompiler("JVMCI CompilerT"));
        assertFalse(CompilerThreads.isCompiler("GC Thread#0"));
        assertFalse(CompilerThreads.isCompiler("main"));
    }

    /**
     * On Linux (where the build runs) /proc shows this JVM's compiler threads by the names above:
     * -1 here would mean the names changed and the warm-up went by the MXBean alone.
     */
    @Test
    void theCompilerThreadsAreFoundOnLinux() {
        if (!System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) return;
        assertTrue(CompilerThreads.cpuMillis() >= 0, "no compiler thread found in /proc/self/task");
    }
}

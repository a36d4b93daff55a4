package gmvae4j.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument handling of {@code gmvae bench}; the measurement itself is not run here. */
class BenchCommandTest {

    private String stderrOf(String... argv) {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, Main.run(argv), "exit code for " + String.join(" ", argv));
        } finally {
            System.setErr(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void missingOrUnknownTargetListsTheTargets() {
        assertTrue(stderrOf("bench").contains("targets: kernels"));
        String err = stderrOf("bench", "gpu");
        assertTrue(err.contains("unknown bench target 'gpu'") && err.contains("kernels"), err);
    }

    @Test
    void badFlagsAreRejected() {
        assertTrue(stderrOf("bench", "kernels", "--trheads", "2").contains("unknown flag --trheads"));
        assertTrue(stderrOf("bench", "kernels", "--threads", "0").contains("between 1 and 256"));
        assertTrue(stderrOf("bench", "kernels", "--threads", "a,b").contains("comma-separated integers"));
        assertTrue(stderrOf("bench", "kernels", "extra").contains("no further arguments"));
        assertTrue(stderrOf("bench", "kernels", "--kernel", "gemm").contains("--kernel must be one of sgemm|conv2d"));
        assertTrue(stderrOf("bench", "kernels", "--shape", "").contains("--shape"));
        assertTrue(stderrOf("bench", "kernels", "--samples", "0").contains("--samples must be in 1..1000, got 0"));
    }

    @Test
    void trainRejectsBadFlagsWithOneLine() {
        String[][] cases = {
                {"bench", "train", "--json", "--trheads", "2"},
                {"bench", "train", "--json", "--threads", "0"},
                {"bench", "train", "--json", "--steps", "0"},
                {"bench", "train", "--json", "--rounds", "-1"},
                {"bench", "train", "--json", "--variant", "both"},
                {"bench", "train", "--json", "--peer", "/no/such/peer.py"},
                {"bench", "train", "--json", "extra"},
                {"bench", "train", "--json", "--z", "0"},
                {"bench", "train", "--json", "--z", "2000"},
        };
        String[] expected = {"unknown flag --trheads", "between 1 and 256", "--steps", "--rounds", "both",
                "no such file", "no further arguments", "--z must be in 1..1024, got 0", "--z must be in 1..1024, got 2000"};
        for (int i = 0; i < cases.length; i++) {
            String err = stderrOf(cases[i]);
            assertTrue(err.contains(expected[i]), String.join(" ", cases[i]) + " -> " + err);
            assertEquals(1, err.strip().lines().count(), "one line for " + String.join(" ", cases[i]) + ": " + err);
        }
    }

    @Test
    void trainMeasuresEachVariantAtItsOwnLatentSizeUnlessZIsGiven() {
        assertEquals("mixture z=10, mixture z=32, marginal z=32", describe(TrainTarget.cases("all", 0)));
        assertEquals("marginal z=100", describe(TrainTarget.cases("marginal", 100)));
        assertEquals("mixture z=7, marginal z=7", describe(TrainTarget.cases("all", 7)));
        assertEquals("mixture z=10, mixture z=32", describe(TrainTarget.cases("mixture", 0)));
    }

    private static String describe(java.util.List<gmvae4j.benchmarks.TrainStepBench.Case> cases) {
        return String.join(", ", cases.stream().map(c -> c.variant() + " z=" + c.z()).toList());
    }

    @Test
    void cudaWhereItCannotLoadIsOneLineForBothTargets() {
        org.junit.jupiter.api.Assumptions.assumeFalse(gmvae4j.kernels.cuda.CudaBackend.probe().available(),
                "CUDA is available here; this covers machines without it");
        // the targets check for themselves: in this JVM the process-wide backend is already chosen,
        // so Main's own check of --backend finds nothing to refuse
        gmvae4j.kernels.Backends.get();   // as the suite leaves it, whichever test runs first
        String before = System.getProperty(gmvae4j.kernels.Backends.PROPERTY);
        try {
            for (String target : new String[] {"kernels", "train"}) {
                String err = stderrOf("bench", target, "--backend", "cuda", "--json");
                assertTrue(err.contains("backend 'cuda' is unavailable"), err);
                assertEquals(1, err.strip().lines().count(), err);
            }
        } finally {
            if (before == null) System.clearProperty(gmvae4j.kernels.Backends.PROPERTY);
            else System.setProperty(gmvae4j.kernels.Backends.PROPERTY, before);
        }
    }

    @Test
    void isListedWithItsUsage() {
        assertTrue(Main.commands().stream().anyMatch(c -> c.name().equals("bench")));
        String usage = new BenchCommand().usage();
        assertTrue(usage.contains("kernels") && usage.contains("--json") && usage.contains("--threads"), usage);
        assertTrue(usage.contains("train") && usage.contains("--no-peer") && usage.contains("--epoch"), usage);
        assertTrue(usage.contains("--z N") && usage.contains("--backend cuda"), usage);
    }
}

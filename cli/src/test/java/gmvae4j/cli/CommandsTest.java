package gmvae4j.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CommandsTest {

    static CliRun run(String... argv) { return CliRun.run(argv); }

    static void userError(String expected, String... argv) {
        CliRun r = run(argv);
        assertEquals(2, r.code(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test void badFlagsAreOneLineUserErrors() {
        userError("unknown flag --bogus", "experiment", "--bogus", "1");
        userError("--protocol must be one of", "experiment", "--protocol", "sideways");
        userError("--fractions must lie in (0, 1]", "experiment", "--fractions", "0.1,2");
        userError("--dataset must be one of", "experiment", "--dataset", "cifar");
        userError("missing required flag --model", "evaluate", "--dataset", "glyphs");
        userError("--delta must be in (0, 0.5]", "bounds", "--delta", "2");
        userError("unknown flag --kk", "bounds", "--kk", "3");
        userError("missing required flag --model", "select", "--dataset", "glyphs");
        userError("missing required flag --model", "explain", "--index", "3");
        userError("missing required flag --labelmap", "classify", "--model", "x.gmvae", "a.png");
        userError("no model file at", "select", "--model", "/nonexistent.gmvae", "--dataset", "glyphs", "--size", "60");
        userError("--size only applies to --dataset glyphs", "evaluate", "--model", "m", "--dataset", "mnist", "--size", "100");
    }

    @Test void boundsPrintsTheThreeEqualClusterNumbers() {
        CliRun r = run("bounds", "--k", "100", "--n", "145600");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pure, equal, hand-picked"), r.out());
        assertTrue(r.out().contains("761 labels"), r.out()); // ⌈100 ln 2000⌉
    }

    @Test void everyCommandHasHelp() {
        for (String c : new String[] {"experiment", "evaluate", "bounds", "select", "explain", "classify"}) {
            CliRun r = run(c, "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().startsWith("usage: ./gmvae " + c), r.out());
        }
    }
}

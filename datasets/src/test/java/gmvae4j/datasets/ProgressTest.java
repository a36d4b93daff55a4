package gmvae4j.datasets;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class ProgressTest {
    @Test
    void terminalGetsABarRedrawnInPlace() throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bo, true, StandardCharsets.UTF_8), true, "f.gz", 2_000_000, 0);
        Thread.sleep(120);
        p.update(1_000_000);
        p.finish(2_000_000);
        String s = bo.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith("\rf.gz ["), s);
        assertTrue(s.contains(" 50.0% "), s);
        assertTrue(s.contains("100.0%"), s);
        assertTrue(s.contains("/s"), s);
        assertEquals(1, s.chars().filter(ch -> ch == '\n').count(), "one line, redrawn with \\r: " + s);
    }

    @Test
    void logsGetAFewLines() {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bo, true, StandardCharsets.UTF_8), false, "f.gz", 1000, 0);
        for (long done = 0; done <= 1000; done += 10) p.update(done);
        p.finish(1000);
        String s = bo.toString(StandardCharsets.UTF_8);
        assertFalse(s.contains("\r"), s);
        long lines = s.lines().count();
        assertTrue(lines >= 3 && lines <= 6, lines + " lines: " + s);
        assertTrue(s.startsWith("downloading f.gz (1000 B)"), s);
        assertTrue(s.strip().endsWith("done"), s);
    }
}

package gmvae4j.label;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir Path dir;

    @Test void replaysWhatWasAppended() throws Exception {
        Path f = dir.resolve("j.tsv");
        try (Journal j = Journal.open(f)) {
            j.append("A", "3", "cat");
            j.append("S", "4");
        }
        try (Journal j = Journal.open(f)) {
            assertNull(j.repaired());
            assertEquals(2, j.records().size());
            assertArrayEquals(new String[] {"A", "3", "cat"}, j.records().get(0));
            assertArrayEquals(new String[] {"S", "4"}, j.records().get(1));
        }
    }

    @Test void aTornLastLineIsReportedAndDroppedAndNothingElse() throws Exception {
        Path f = dir.resolve("j.tsv");
        try (Journal j = Journal.open(f)) {
            for (int i = 0; i < 5; i++) j.append("A", Integer.toString(i), "x");
        }
        long whole = Files.size(f);
        Files.write(f, "A\t9\tha".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND); // a crash mid-write
        try (Journal j = Journal.open(f)) {
            assertNotNull(j.repaired());
            assertTrue(j.repaired().contains("torn"), j.repaired());
            assertEquals(5, j.records().size());
            j.append("A", "7", "y");
        }
        try (Journal j = Journal.open(f)) {
            assertNull(j.repaired(), "the cut was made for good");
            assertEquals(6, j.records().size());
            assertEquals("7", j.records().get(5)[1]);
        }
        assertTrue(Files.size(f) > whole);
    }

    @Test void aCompleteLastLineWithABadChecksumIsDroppedToo() throws Exception {
        Path f = dir.resolve("j.tsv");
        try (Journal j = Journal.open(f)) { j.append("A", "1", "x"); j.append("A", "2", "x"); }
        byte[] b = Files.readAllBytes(f);
        b[b.length - 4] ^= 1; // flip a bit in the last line's checksum
        Files.write(f, b);
        try (Journal j = Journal.open(f)) {
            assertNotNull(j.repaired());
            assertEquals(1, j.records().size());
        }
    }

    @Test void damageBeforeTheLastLineRefusesToOpen() throws Exception {
        Path f = dir.resolve("j.tsv");
        try (Journal j = Journal.open(f)) { j.append("A", "1", "x"); j.append("A", "2", "x"); j.append("A", "3", "x"); }
        String s = Files.readString(f).replaceFirst("A\t2", "A\t5");
        Files.writeString(f, s);
        var e = assertThrows(java.io.IOException.class, () -> Journal.open(f));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test void twoTabsWritingAtOnceLoseNoAnswer() throws Exception {
        LabelImages images = Fixture.glyphs(400);
        int threads = 4, each = 60;
        try (Session s = Session.open(dir.resolve("s"), images)) {
            List<Thread> ts = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int tt = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < each; i++) s.answer(tt * each + i, "class" + (i % 3));
                    } catch (Throwable e) { errors.add(e); }
                }));
            }
            for (Thread t : ts) t.join();
            assertEquals(List.of(), errors);
            assertEquals(threads * each, s.labeledCount());
        }
        try (Session s = Session.open(dir.resolve("s"), images)) {
            assertEquals(threads * each, s.labeledCount());
            int[] h = s.humanLabels();
            for (int i = 0; i < threads * each; i++) assertEquals("class" + (i % each % 3), s.classes().get(h[i]));
        }
    }

    @Test void aSecondServerOnTheSameSessionIsRefused() throws Exception {
        LabelImages images = Fixture.glyphs(50);
        try (Session s = Session.open(dir.resolve("s"), images)) {
            var e = assertThrows(SessionException.class, () -> Session.open(dir.resolve("s"), images));
            assertTrue(e.getMessage().contains("another"), e.getMessage());
        }
    }

    @Test void aSessionForOtherImagesIsRefused() throws Exception {
        try (Session s = Session.open(dir.resolve("s"), Fixture.glyphs(50))) { s.answer(1, "a"); }
        var e = assertThrows(SessionException.class, () -> Session.open(dir.resolve("s"), Fixture.glyphs(60)));
        assertTrue(e.getMessage().contains("other images"), e.getMessage());
    }

    /** kill -9 of a child JVM that answers as fast as it can: every answer it acknowledged is there on restart. */
    @Test void killNineLosesNoAcknowledgedAnswer() throws Exception {
        Path session = dir.resolve("killed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), JournalChild.class.getName(), session.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int acked = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                acked = Integer.parseInt(line.strip());
                if (acked >= 150) break;
            }
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        }
        assertTrue(acked >= 150, "the child acknowledged " + acked + " answers");
        try (Session s = Session.open(session, Fixture.glyphs(JournalChild.IMAGES))) {
            int[] h = s.humanLabels();
            for (int i = 0; i <= acked; i++) assertTrue(h[i] >= 0, "acknowledged answer " + i + " lost");
            s.answer(acked + 1 < JournalChild.IMAGES ? JournalChild.IMAGES - 1 : 0, "after restart");
        }
    }
}

package gmvae4j.label;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTest {
    @TempDir Path dir;

    @Test void undoRestoresWhatTheActionChangedAndSurvivesARestart() throws Exception {
        LabelImages images = Fixture.glyphs(100);
        try (Session s = Session.open(dir, images)) {
            s.answer(5, "a");
            s.answer(5, "b");                      // a correction
            s.labelAll(3, new int[] {6, 7, 8}, 2, "c");
            s.skip(9);
            assertEquals(1 + 1 + 3, s.answersSpent());
            assertTrue(s.undo());                  // the skip
            assertFalse(s.skipped(9));
            assertTrue(s.undo());                  // the cluster action
            assertEquals(-1, s.humanLabel(7));
            assertTrue(s.undo());                  // the correction: back to "a"
            assertEquals("a", s.classes().get(s.humanLabel(5)));
            assertEquals(1, s.answersSpent());
        }
        try (Session s = Session.open(dir, images)) {
            assertEquals("a", s.classes().get(s.humanLabel(5)));
            assertEquals(1, s.labeledCount());
            assertEquals(1, s.answersSpent());
            assertTrue(s.undo());
            assertFalse(s.undo());
            assertEquals(0, s.labeledCount());
        }
    }

    /** A partly labeled folder's labels: there from the start, free, not undoable, overridden by an answer. */
    @Test void givenLabelsSeedTheSessionWithoutCostOrJournal() throws Exception {
        LabelImages images = Fixture.glyphs(30);
        String[] given = new String[30];
        given[2] = "cat";
        given[4] = "dog";
        try (Session s = Session.open(dir, images, given)) {
            assertEquals(java.util.List.of("cat", "dog"), s.classes());
            assertEquals("cat", s.classes().get(s.humanLabel(2)));
            assertEquals(2, s.labeledCount());
            assertEquals(0, s.answersSpent());
            assertFalse(s.canUndo(), "a folder's label is not an action");
            assertTrue(s.settled()[4], "a labeled image is not asked about");
            s.answer(4, "cat");                    // the person disagrees with the folder
            assertEquals("cat", s.classes().get(s.humanLabel(4)));
            assertTrue(s.undo());
            assertEquals("dog", s.classes().get(s.humanLabel(4)), "undo brings the folder's label back");
            s.answer(7, "dog");
        }
        try (Session s = Session.open(dir, images, given)) {      // given again on restart, the journal on top
            assertEquals(3, s.labeledCount());
            assertEquals(1, s.answersSpent());
            assertEquals("dog", s.classes().get(s.humanLabel(7)));
        }
        assertEquals(java.util.List.of("A", "U", "A"),
                java.nio.file.Files.readAllLines(dir.resolve("journal.tsv")).stream().map(l -> l.split("\t")[0]).toList(),
                "only the person's actions are journaled, not the folder's labels");
    }

    @Test void badClassNamesAndImagesAreRefusedBeforeAnythingIsJournaled() throws Exception {
        try (Session s = Session.open(dir, Fixture.glyphs(20))) {
            assertThrows(IllegalArgumentException.class, () -> s.answer(1, "  "));
            assertThrows(IllegalArgumentException.class, () -> s.answer(1, "a\tb"));
            assertThrows(IllegalArgumentException.class, () -> s.answer(1, "x".repeat(65)));
            assertThrows(IllegalArgumentException.class, () -> s.answer(20, "a"));
            assertThrows(IllegalArgumentException.class, () -> s.answer(-1, "a"));
            assertEquals(0, s.version());
        }
        try (Session s = Session.open(dir, Fixture.glyphs(20))) { assertEquals(0, s.version()); }
    }
}

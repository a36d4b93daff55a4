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

package gmvae4j.io;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test void plainTextAndNonAsciiLettersPassUnchanged() {
        assertEquals("zéro ∑ 字 😀 a-b_c.png", TerminalText.safe("zéro ∑ 字 😀 a-b_c.png"));
    }

    @Test void aHugeNameIsCut() {
        String s = TerminalText.safe("x".repeat(1_000_000));
        assertEquals(TerminalText.MAX + 3, s.length());
        assertTrue(s.endsWith("..."));
    }

    @Test void controlCharactersBecomeVisibleEscapes() {
        assertEquals("\\e]0;pwned\\x07x", TerminalText.safe("\u001b]0;pwned\u0007x"));
        assertEquals("a\\rb\\nc\\td\\x7f\\x9b", TerminalText.safe("a\rb\nc\td\u007f\u009b"));
        assertEquals("gpj\\u202eexe", TerminalText.safe("gpj\u202eexe"));
        assertEquals("x\\ud800y", TerminalText.safe("x\ud800y"));
    }
}

package gmvae4j.io;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTextTest {

    @Test
    void quotesAndEscapesWhatJsonRequires() {
        assertEquals("\"plain\"", JsonText.quote("plain"));
        assertEquals("\"a\\\"b\"", JsonText.quote("a\"b"));
        assertEquals("\"back\\\\slash\"", JsonText.quote("back\\slash"));
        assertEquals("\"l1\\nl2\\r\\t\"", JsonText.quote("l1\nl2\r\t"));
        assertEquals("\"\\u0000\\u001b\\u001f\"", JsonText.quote("\u0000\u001b\u001f"));
        assertEquals("\"\"", JsonText.quote(""));
        assertEquals("null", JsonText.quote(null), "no string: the JSON literal");
    }

    @Test
    void leavesEverythingElseAsItIs() {
        // DEL, non-ASCII letters, a bidirectional override and a supplementary character are legal in a JSON string
        String s = " ~\u007fé\u202e\uD83D\uDE00/";
        assertEquals("\"" + s + "\"", JsonText.quote(s));
    }

    @Test
    void appendsToWhatIsThere() {
        assertEquals("x:\"y\"", JsonText.appendQuoted(new StringBuilder("x:"), "y").toString());
    }

    @Test
    void quotesEachStringOfAnArray() {
        assertEquals("[]", JsonText.quotedArray(java.util.List.of()));
        assertEquals("[\"Haswell\"]", JsonText.quotedArray(java.util.List.of("Haswell")));
        assertEquals("[\"a\\\"b\",\"c\"]", JsonText.quotedArray(java.util.List.of("a\"b", "c")));
    }
}

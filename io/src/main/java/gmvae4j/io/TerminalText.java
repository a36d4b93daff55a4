package gmvae4j.io;

import java.nio.file.Path;

/**
 * Text that came from a file or a file name, made safe to print. A class name in a label map or a
 * folder name can hold anything: an escape sequence that retitles the terminal or clears the
 * screen, a carriage return that overwrites what was printed, a bidirectional override that makes
 * "gpj.exe" read as "exe.jpg". Every such character is printed as a visible escape instead
 * ({@code \e}, {@code \r}, {@code \u202e}); everything else passes unchanged, up to {@value #MAX}
 * characters (a name can be megabytes long: the rest becomes "...").
 */
public final class TerminalText {
    private TerminalText() {}

    /** The longest text printed whole. */
    public static final int MAX = 1000;

    public static String safe(Path p) {
        return p == null ? "null" : safe(p.toString());
    }

    public static String safe(String s) {
        if (s == null) return "null";
        if (s.length() <= MAX && clean(s)) return s;
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX) + 16);
        for (int i = 0; i < s.length(); ) {
            if (sb.length() >= MAX) return sb.append("...").toString();
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (!unsafe(c)) sb.appendCodePoint(c);
            else switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x1b -> sb.append("\\e");
                default -> sb.append(c <= 0xff ? String.format("\\x%02x", c) : String.format("\\u%04x", c));
            }
        }
        return sb.toString();
    }

    private static boolean clean(String s) {
        for (int i = 0; i < s.length(); i++) if (unsafe(s.charAt(i))) return false;
        return true;
    }

    /** Control characters (C0, DEL, C1), bidirectional controls, line/paragraph separators, lone surrogates. */
    static boolean unsafe(int c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0)
                || c == 0x061c || c == 0x200e || c == 0x200f
                || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || (c >= 0xd800 && c <= 0xdfff);
    }
}

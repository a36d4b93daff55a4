package gmvae4j.datasets.images;

/**
 * File and folder names made safe to print: a name is whatever bytes its creator chose, and a
 * control character (an escape sequence, a carriage return, a newline) must not reach the
 * terminal or split a log line. Such characters, and unpaired surrogates, become {@code ?}; the
 * result is capped in length.
 */
public final class SafeText {
    private SafeText() {}

    public static final int MAX = 200;

    public static String of(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX + 3));
        for (int i = 0; i < s.length() && b.length() < MAX; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || c == '\u2028' || c == '\u2029') {
                b.append('?');
            } else if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                if (paired) b.append(c).append(s.charAt(++i));
                else b.append('?');
            } else {
                b.append(c);
            }
        }
        if (b.length() >= MAX && s.length() > MAX) b.append("...");
        return b.toString();
    }
}

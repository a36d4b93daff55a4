package gmvae4j.datasets.images;

import gmvae4j.io.TerminalText;
import gmvae4j.datasets.DataException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A labels file for a flat folder ({@code --labels FILE.csv}): UTF-8, one row per labeled
 * picture, exactly two columns {@code path,label}, the path relative to the folder as the
 * listing writes it ({@code /}-separated; a leading {@code ./} is accepted). An optional header
 * row {@code path,label} is skipped; blank lines are ignored; fields may be double-quoted
 * (RFC 4180, {@code ""} for a quote). Pictures not named stay unlabeled.
 *
 * <p>Every problem is one line naming the file and row: wrong number of columns, an empty label,
 * a path that does not exist under the folder or is not a picture, a path labeled twice.
 */
public final class LabelsCsv {
    private LabelsCsv() {}

    /** Path → label, in file order, every path checked against the folder's pictures. */
    public static Map<String, String> read(Path csv, Path root, Set<String> pictures) {
        String where = TerminalText.safe(csv.toString());
        if (!Files.isRegularFile(csv)) throw new DataException("--labels " + where + ": no such file");
        List<String> lines;
        try {
            if (Files.size(csv) > (1L << 30)) throw new DataException("--labels " + where + ": over 1 GB, not a labels file");
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new DataException("--labels " + where + ": not UTF-8 text");
        } catch (IOException e) {
            throw new DataException("--labels " + where + ": cannot be read (" + e.getMessage() + ")");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) line = line.substring(1); // a byte-order mark from a spreadsheet
            if (line.isBlank()) continue;
            String at = where + " line " + (i + 1);
            List<String> f = fields(line, at);
            if (f.size() != 2)
                throw new DataException(at + ": expected 2 columns (path,label), got " + f.size());
            if (i == 0 && f.get(0).strip().equalsIgnoreCase("path") && f.get(1).strip().equalsIgnoreCase("label")) continue;
            String path = normalise(f.get(0).strip()), label = f.get(1).strip();
            if (path.isEmpty()) throw new DataException(at + ": empty path");
            if (label.isEmpty()) throw new DataException(at + ": empty label for " + TerminalText.safe(path));
            if (!pictures.contains(path)) {
                Path file = root.resolve(path).normalize();
                String why = !file.startsWith(root.normalize()) ? "outside the folder"
                        : !Files.exists(file) ? "no such file in " + TerminalText.safe(root.toString())
                        : "not a picture the folder listing holds (PNG, JPEG, BMP, GIF; not hidden)";
                throw new DataException(at + ": " + TerminalText.safe(path) + " is " + why);
            }
            String before = out.put(path, label);
            if (before != null && !before.equals(label))
                throw new DataException(at + ": " + TerminalText.safe(path) + " is labeled twice ('" + TerminalText.safe(before) + "', '"
                        + TerminalText.safe(label) + "')");
        }
        return out;
    }

    private static String normalise(String p) {
        String s = p.replace('\\', '/');
        while (s.startsWith("./")) s = s.substring(2);
        return s;
    }

    /** The fields of one CSV row (quotes per RFC 4180, no embedded line breaks). */
    static List<String> fields(String line, String at) {
        List<String> f = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') { cur.append('"'); i++; }
                else if (c == '"') quoted = false;
                else cur.append(c);
            } else if (c == '"' && cur.toString().isBlank()) {
                quoted = true;
                cur.setLength(0);
            } else if (c == ',') {
                f.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) throw new DataException(at + ": unterminated quote");
        f.add(cur.toString());
        return f;
    }
}

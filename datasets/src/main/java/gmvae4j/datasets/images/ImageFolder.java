package gmvae4j.datasets.images;

import gmvae4j.io.TerminalText;
import gmvae4j.datasets.DataException;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The picture files under a folder and how they are laid out. Read-only: nothing in the folder is
 * ever written.
 *
 * <p>Listing: every regular file whose name ends in .png, .jpg, .jpeg, .bmp or .gif (any case),
 * at any depth, symbolic links followed (a link loop is noted and skipped, not followed
 * forever); hidden files and folders (name starting with a dot) are left out. Paths are kept
 * relative to the folder with {@code /} separators, sorted, so the order never depends on the
 * file system.
 *
 * <p>Layouts ({@link Layout}):
 * <ul>
 *   <li><b>split</b>: {@code DIR/train/CLASS/...} and {@code DIR/test/CLASS/...}, and nothing
 *       else: labeled, the splits as given;</li>
 *   <li><b>classes</b> (torchvision's ImageFolder): every picture inside a subfolder, none at the
 *       top: labeled by the first folder; split by a hash of the relative path,
 *       {@link #TEST_SHARE_DENOMINATOR 1 in 6} to test;</li>
 *   <li><b>flat</b>: anything else (or any layout given {@code --labels} or {@code --layout flat}):
 *       unlabeled unless a labels CSV names some; split by the same hash.</li>
 * </ul>
 */
public final class ImageFolder {
    private ImageFolder() {}

    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");
    /** Deepest folder level searched. */
    public static final int MAX_DEPTH = 64;
    /** Without train/ and test/ folders, a picture goes to test when hash(relative path) mod 6 == 0: about 1/6 (16.7%). */
    public static final int TEST_SHARE_DENOMINATOR = 6;

    public enum Layout {
        SPLIT("class folders in train/ and test/"), CLASSES("class folders"), FLAT("flat");

        public final String description;

        Layout(String d) { description = d; }

        public String id() { return name().toLowerCase(Locale.ROOT); }
    }

    /** One picture file: path relative to the folder ({@code /}-separated), size in bytes, last modified (ms). */
    public record Entry(String path, long size, long modified) {}

    /**
     * What is under the folder.
     *
     * @param files    picture files, sorted by path
     * @param problems folders that could not be read or symbolic link loops, one line each
     * @param ignored  files that are not pictures by their name (a README, a CSV)
     */
    public record Listing(Path root, List<Entry> files, List<String> problems, int ignored) {}

    /** Lists the pictures under {@code root}; DataException when it is not a readable folder. */
    public static Listing list(Path root) {
        if (!Files.exists(root)) throw new DataException("--images " + TerminalText.safe(root.toString()) + ": no such folder");
        if (!Files.isDirectory(root)) throw new DataException("--images " + TerminalText.safe(root.toString()) + ": not a folder");
        List<Entry> files = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int[] ignored = {0};
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, new SimpleFileVisitor<>() {
                @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                    return !dir.equals(root) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    if (hidden(file)) return FileVisitResult.CONTINUE;
                    if (a.isRegularFile() && isPicture(file.getFileName().toString()))
                        files.add(new Entry(relative(root, file), a.size(), a.lastModifiedTime().toMillis()));
                    else if (a.isRegularFile()) ignored[0]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override public FileVisitResult visitFileFailed(Path file, IOException e) {
                    String rel = TerminalText.safe(relative(root, file));
                    problems.add(e instanceof FileSystemLoopException ? rel + ": symbolic link loop, not followed"
                            : rel + ": cannot be read (" + e.getClass().getSimpleName() + ")");
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new DataException("--images " + TerminalText.safe(root.toString()) + ": cannot be listed (" + e.getMessage() + ")", e);
        }
        files.sort(Comparator.comparing(Entry::path));
        return new Listing(root, List.copyOf(files), List.copyOf(problems), ignored[0]);
    }

    public static boolean isPicture(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean hidden(Path p) {
        Path n = p.getFileName();
        return n != null && n.toString().startsWith(".");
    }

    static String relative(Path root, Path file) {
        Path r = root.relativize(file);
        StringBuilder b = new StringBuilder();
        for (Path part : r) {
            if (!b.isEmpty()) b.append('/');
            b.append(part);
        }
        return b.toString();
    }

    /** The layout of a listing; {@code flat} is forced by {@code forceFlat} (--labels, --layout flat). */
    public static Layout layout(Listing l, boolean forceFlat) {
        if (forceFlat || l.files().isEmpty()) return Layout.FLAT;
        boolean split = true, classes = true, anyTrain = false, anyTest = false;
        for (Entry e : l.files()) {
            String[] parts = e.path().split("/");
            if (parts.length < 2) classes = false;
            boolean inSplit = parts.length >= 3 && (parts[0].equals("train") || parts[0].equals("test"));
            if (!inSplit) split = false;
            else if (parts[0].equals("train")) anyTrain = true;
            else anyTest = true;
        }
        if (split && anyTrain && anyTest) return Layout.SPLIT;
        return classes ? Layout.CLASSES : Layout.FLAT;
    }

    /** The class folder of a path (split: the second part; classes: the first); null for flat. */
    public static String classOf(Layout layout, String path) {
        String[] parts = path.split("/");
        return switch (layout) {
            case SPLIT -> parts[1];
            case CLASSES -> parts[0];
            case FLAT -> null;
        };
    }

    /** Whether a path belongs to the test split: split layout by its folder, the others by hash. */
    public static boolean isTest(Layout layout, String path) {
        if (layout == Layout.SPLIT) return path.startsWith("test/");
        return Math.floorMod(hash(path), TEST_SHARE_DENOMINATOR) == 0;
    }

    /** FNV-1a over the UTF-8 bytes, then a 64-bit finaliser: stable across JVMs and platforms. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33; h *= 0xff51afd7ed558ccdL; h ^= h >>> 33; h *= 0xc4ceb9fe1a85ec53L; h ^= h >>> 33;
        return h;
    }
}

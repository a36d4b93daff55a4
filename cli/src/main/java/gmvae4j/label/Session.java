package gmvae4j.label;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a person has said so far: the class of each image they named, the images they skipped,
 * and every action in order so the last one can be undone. The state is never saved as a whole:
 * it is the replay of the session folder's {@link Journal}, and each action is journaled
 * (forced to disk) before it changes the state, so an acknowledged answer cannot be lost.
 *
 * <p>Journal records: {@code A image class} (one answer), {@code S image} (skipped as unsure),
 * {@code C component class exceptions image,image,...} (a whole cluster, less its exceptions),
 * {@code U seq} (undo of record seq). Methods are synchronized: two tabs on one session take
 * turns, and each sees the other's answers on its next poll.
 */
public final class Session implements AutoCloseable {
    /** Longest class name accepted; names are typed by a person. */
    public static final int MAX_CLASS_NAME = 64;

    private record Change(int image, int before, int after) {}

    private static final class Action {
        final String kind;
        final List<Change> changes = new ArrayList<>();
        final int skippedImage;
        final int cost;
        boolean undone;

        Action(String kind, int skippedImage, int cost) {
            this.kind = kind;
            this.skippedImage = skippedImage;
            this.cost = cost;
        }
    }

    private final Path folder;
    private final int n;
    private final Journal journal;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final int[] human;
    private final boolean[] skipped;
    private final List<String> classes = new ArrayList<>();
    private final Map<String, Integer> classIndex = new HashMap<>();
    private final List<Action> actions = new ArrayList<>();
    private int labeled;
    private int spent;
    private long version;

    private Session(Path folder, int n, Journal journal, FileChannel lockChannel, FileLock lock) {
        this.folder = folder;
        this.n = n;
        this.journal = journal;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.human = new int[n];
        Arrays.fill(human, -1);
        this.skipped = new boolean[n];
    }

    /**
     * Opens the session in folder (created when absent) for these images, replaying its
     * journal. A folder made for other images is refused, and so is one another server holds.
     */
    public static Session open(Path folder, LabelImages images) throws IOException {
        return open(folder, images, null);
    }

    /**
     * The same, starting from labels the images already have ({@code given[i]}: a class name, or
     * null): a partly labeled folder's class folders. They are labels a person gave, so the
     * decisions use them like answers, but they cost no answer, are not journaled (they are read
     * from the folder again on every start) and cannot be undone; an answer about such an image
     * overrides it (and undoing that answer brings the folder's label back).
     */
    public static Session open(Path folder, LabelImages images, String[] given) throws IOException {
        if (given != null && given.length != images.n()) throw new IllegalArgumentException(given.length + " given labels for " + images.n() + " images");
        Files.createDirectories(folder);
        Path info = folder.resolve("session.properties");
        String expected = "images=" + images.name().replace('\n', ' ') + "\ncount=" + images.n() + "\nsize=" + images.rows() + "x" + images.cols() + "\n";
        if (Files.exists(info)) {
            String found = Files.readString(info, StandardCharsets.UTF_8);
            if (!found.equals(expected))
                throw new SessionException("session " + folder + " was made for other images (" + found.replace('\n', ' ').trim()
                        + "; these are " + expected.replace('\n', ' ').trim() + ")");
        } else {
            gmvae4j.io.AtomicFiles.write(info, expected.getBytes(StandardCharsets.UTF_8));
        }
        FileChannel lc = FileChannel.open(folder.resolve("session.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lc.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lc.close();
            throw new SessionException("session " + folder + " is open in another gmvae label server (one server per session)");
        }
        Journal j;
        try {
            j = Journal.open(folder.resolve("journal.tsv"));
        } catch (IOException e) {
            lock.release();
            lc.close();
            throw e;
        }
        Session s = new Session(folder, images.n(), j, lc, lock);
        if (given != null)
            for (int i = 0; i < given.length; i++) if (given[i] != null) s.setRaw(i, s.classOf(checkName(given[i])));
        int line = 0;
        for (String[] r : j.records()) {
            line++;
            try {
                s.apply(r, false);
            } catch (RuntimeException e) {
                s.close();
                throw new SessionException("journal " + folder.resolve("journal.tsv") + " line " + line + ": " + e.getMessage());
            }
        }
        return s;
    }

    /** What opening had to repair in the journal (a torn last line), or null. */
    public String repaired() { return journal.repaired(); }

    public Path folder() { return folder; }

    // ------------------------------------------------------------------ actions

    /** The person says image is of class name (new names create a class). */
    public synchronized void answer(int image, String name) throws IOException {
        checkImage(image);
        record(new String[] {"A", Integer.toString(image), checkName(name)});
    }

    /** The person is unsure about image: it is not asked again. */
    public synchronized void skip(int image) throws IOException {
        checkImage(image);
        record(new String[] {"S", Integer.toString(image)});
    }

    /** "All of these are name": one action (plus one per exception the person clicked). */
    public synchronized void labelAll(int component, int[] images, int exceptions, String name) throws IOException {
        if (images.length == 0) throw new IllegalArgumentException("no image to label");
        StringBuilder list = new StringBuilder();
        for (int i : images) {
            checkImage(i);
            if (!list.isEmpty()) list.append(',');
            list.append(i);
        }
        if (exceptions < 0) throw new IllegalArgumentException("negative exception count");
        record(new String[] {"C", Integer.toString(component), checkName(name), Integer.toString(exceptions), list.toString()});
    }

    /** Undoes the last action not yet undone; false when there is none. */
    public synchronized boolean undo() throws IOException {
        for (int s = actions.size() - 1; s >= 0; s--) {
            Action a = actions.get(s);
            if (!a.kind.equals("U") && !a.undone) {
                record(new String[] {"U", Integer.toString(s)});
                return true;
            }
        }
        return false;
    }

    private void record(String[] r) throws IOException {
        apply(r, true);
    }

    /** Checks r against the state, journals it when asked (before anything changes), then applies it. */
    private void apply(String[] r, boolean journalIt) throws IOException {
        if (r.length == 0) throw new IllegalArgumentException("empty record");
        Action a;
        switch (r[0]) {
            case "A" -> {
                need(r, 3);
                int image = image(r[1]);
                String name = checkName(r[2]);
                if (journalIt) journal.append(r);
                a = new Action("A", -1, 1);
                set(a, image, classOf(name));
            }
            case "S" -> {
                need(r, 2);
                int image = image(r[1]);
                if (journalIt) journal.append(r);
                a = new Action("S", skipped[image] ? -1 : image, 0);
                skipped[image] = true;
            }
            case "C" -> {
                need(r, 5);
                String name = checkName(r[2]);
                int exceptions = Integer.parseInt(r[3]);
                String[] parts = r[4].split(",");
                int[] images = new int[parts.length];
                for (int i = 0; i < parts.length; i++) images[i] = image(parts[i]);
                if (journalIt) journal.append(r);
                a = new Action("C", -1, 1 + exceptions);
                int cls = classOf(name);
                for (int i : images) set(a, i, cls);
            }
            case "U" -> {
                need(r, 2);
                int target = Integer.parseInt(r[1]);
                if (target < 0 || target >= actions.size() || actions.get(target).kind.equals("U") || actions.get(target).undone)
                    throw new IllegalArgumentException("undo of record " + target + " which cannot be undone");
                if (journalIt) journal.append(r);
                Action t = actions.get(target);
                for (int c = t.changes.size() - 1; c >= 0; c--) {
                    Change ch = t.changes.get(c);
                    setRaw(ch.image(), ch.before());
                }
                if (t.skippedImage >= 0) skipped[t.skippedImage] = false;
                t.undone = true;
                spent -= t.cost;
                a = new Action("U", -1, 0);
            }
            default -> throw new IllegalArgumentException("unknown record '" + r[0] + "'");
        }
        spent += a.cost;
        actions.add(a);
        version++;
    }

    private void set(Action a, int image, int cls) {
        a.changes.add(new Change(image, human[image], cls));
        setRaw(image, cls);
    }

    private void setRaw(int image, int cls) {
        if (human[image] < 0 && cls >= 0) labeled++;
        if (human[image] >= 0 && cls < 0) labeled--;
        human[image] = cls;
    }

    private int classOf(String name) {
        Integer c = classIndex.get(name);
        if (c != null) return c;
        classes.add(name);
        classIndex.put(name, classes.size() - 1);
        return classes.size() - 1;
    }

    private static void need(String[] r, int fields) {
        if (r.length != fields) throw new IllegalArgumentException("record '" + r[0] + "' has " + r.length + " fields, expected " + fields);
    }

    private int image(String s) {
        int i = Integer.parseInt(s);
        checkImage(i);
        return i;
    }

    private void checkImage(int i) {
        if (i < 0 || i >= n) throw new IllegalArgumentException("image " + i + " outside 0.." + (n - 1));
    }

    /** A class name as typed, trimmed; refused when empty, too long or holding control characters. */
    public static String checkName(String name) {
        if (name == null) throw new IllegalArgumentException("missing class name");
        String t = name.strip();
        if (t.isEmpty()) throw new IllegalArgumentException("empty class name");
        if (t.length() > MAX_CLASS_NAME) throw new IllegalArgumentException("class name longer than " + MAX_CLASS_NAME + " characters");
        for (int i = 0; i < t.length(); i++)
            if (Character.isISOControl(t.charAt(i))) throw new IllegalArgumentException("class name with a control character");
        return t;
    }

    // ------------------------------------------------------------------ reading the state

    /** A copy of the class of every image (-1: no person named it). */
    public synchronized int[] humanLabels() { return human.clone(); }

    public synchronized int humanLabel(int image) { return human[image]; }

    public synchronized boolean skipped(int image) { return skipped[image]; }

    /** Images a person named or skipped: not to be asked again. */
    public synchronized boolean[] settled() {
        boolean[] s = skipped.clone();
        for (int i = 0; i < n; i++) if (human[i] >= 0) s[i] = true;
        return s;
    }

    public synchronized List<String> classes() { return List.copyOf(classes); }

    /** Images labeled by a person. */
    public synchronized int labeledCount() { return labeled; }

    /** Answers spent: one per answer, one per cluster action plus its exceptions; undone actions refunded. */
    public synchronized int answersSpent() { return spent; }

    /** Changes with every action: pages poll it to see another tab's answers. */
    public synchronized long version() { return version; }

    /** Whether anything can be undone. */
    public synchronized boolean canUndo() {
        for (Action a : actions) if (!a.kind.equals("U") && !a.undone) return true;
        return false;
    }

    @Override public synchronized void close() throws IOException {
        journal.close();
        if (lock.isValid()) lock.release();
        lockChannel.close();
    }
}

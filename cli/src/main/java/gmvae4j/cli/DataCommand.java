package gmvae4j.cli;

import gmvae4j.cli.report.ReportDirectory;
import gmvae4j.io.AtomicFiles;
import gmvae4j.io.TerminalText;
import gmvae4j.datasets.Catalog;
import gmvae4j.datasets.DataException;
import gmvae4j.datasets.DataLocator;
import gmvae4j.datasets.Dataset;
import gmvae4j.datasets.Datasets;
import gmvae4j.datasets.Glyphs;
import gmvae4j.datasets.IdxReader;
import gmvae4j.datasets.Md5;
import gmvae4j.datasets.Split;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code gmvae data list|fetch|show|verify}: what data sets are where, downloading them, looking
 * at one image, and checking files against their published checksums.
 */
final class DataCommand implements Command {
    private static final String RAMP = " .:-=+*#%@";

    @Override public String name() { return "data"; }

    @Override public String summary() { return "list, fetch, show and verify the data sets (emnist-letters, mnist, fashion-mnist, glyphs)"; }

    @Override public String usage() {
        return """
                usage: ./gmvae data list [--data DIR]
                       ./gmvae data fetch NAME [--data DIR]
                       ./gmvae data show NAME --index I [--split train|test|pool] [--png OUT.png [--force]] [--data DIR]
                       ./gmvae data verify NAME [--data DIR]
                       ./gmvae data show --images DIR [--index I] [--png OUT.png [--force]] [picture flags]
                       ./gmvae data export NAME --to DIR [--split train|test|pool] [--limit N] [--data DIR]

                NAME: emnist-letters, mnist, fashion-mnist, glyphs (embedded, generated in code).
                Files are looked for in --data DIR (or DIR/NAME/), then $GMVAE_DATA/NAME/, then the
                cache ($XDG_CACHE_HOME/gmvae4j/NAME/ or ~/.cache/gmvae4j/NAME/); fetch downloads
                into the cache (EMNIST from the NIST archive, ~535 MB). GMVAE_OFFLINE=1 disables
                downloads during training and evaluation.
                  list     where each data set was found and how many images it holds
                  fetch    download (checksummed, resumable) unless already present
                  show     one image as ASCII art with its label, optionally as an 8x PNG
                  verify   check each file's MD5 against the published one and read every split
                  show --images   load a folder of pictures (as --images does everywhere) and say how long
                                  it took, decoding or from the cache; --index I shows picture I of the pool
                  export   write a data set as a picture folder DIR/train/CLASS/N.png, DIR/test/CLASS/N.png
                           (28x28 grey PNG, bright strokes on black); DIR must not exist or be empty

                picture flags:
                """ + ImageArgs.USAGE;
    }

    @Override public int run(Args args) {
        Path dataDir = args.path("data", null);
        List<String> pos = args.positionals();
        if (pos.isEmpty()) throw new UserError("missing subcommand: list, fetch, show or verify (./gmvae data --help)");
        String sub = pos.get(0);
        try {
            return switch (sub) {
                case "list" -> { args.finish(); noMore(pos, 1); yield list(dataDir); }
                case "fetch" -> { args.finish(); yield fetch(name(pos), dataDir); }
                case "show" -> ImageArgs.given(args) ? showImages(args, pos) : show(args, name(pos), dataDir);
                case "export" -> export(args, name(pos), dataDir);
                case "verify" -> { args.finish(); yield verify(name(pos), dataDir); }
                default -> throw new UserError("unknown subcommand '" + gmvae4j.io.TerminalText.safe(sub) + "' (list, fetch, show, export, verify)");
            };
        } catch (DataException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    private static String name(List<String> pos) {
        if (pos.size() < 2) throw new UserError("missing data set name (" + String.join(", ", Catalog.NAMES) + ")");
        noMore(pos, 2);
        String n = pos.get(1);
        if (!Catalog.NAMES.contains(n)) throw new UserError("unknown data set '" + n + "' (known: " + String.join(", ", Catalog.NAMES) + ")");
        return n;
    }

    private static void noMore(List<String> pos, int allowed) {
        if (pos.size() > allowed) throw new UserError("unexpected argument '" + pos.get(allowed) + "'");
    }

    private int list(Path dataDir) {
        System.out.printf("%-15s %-11s %-26s %s%n", "data set", "found in", "images (train + test)", "where");
        for (String n : Catalog.NAMES) {
            if (n.equals("glyphs")) {
                System.out.printf("%-15s %-11s %-26s %s%n", n, "embedded", Glyphs.TRAIN_N + " + " + Glyphs.TEST_N, "generated in code");
                continue;
            }
            try {
                DataLocator.Location l = Datasets.locate(n, dataDir), lab;
                if (!l.found() && (lab = labelsOnly(n, dataDir)) != null) {
                    System.out.printf("%-15s %-11s %-26s %s%n", n, "labels only", IdxReader.count(lab.file(Catalog.Spec.TRAIN_LABELS))
                            + " + " + IdxReader.count(lab.file(Catalog.Spec.TEST_LABELS)) + " labels", lab.dir() + " (image files missing)");
                } else if (!l.found()) {
                    System.out.printf("%-15s %-11s %-26s %s%n", n, "missing", "-", "./gmvae data fetch " + n + " (or --data DIR / GMVAE_DATA)");
                } else {
                    String counts = IdxReader.count(l.file(Catalog.Spec.TRAIN_IMAGES)) + " + " + IdxReader.count(l.file(Catalog.Spec.TEST_IMAGES));
                    System.out.printf("%-15s %-11s %-26s %s%n", n, l.kind().label, counts, TerminalText.safe(l.dir()));
                }
            } catch (DataException e) {
                System.out.printf("%-15s %-11s %-26s %s%n", n, "unusable", "-", TerminalText.safe(e.getMessage()));
            }
        }
        return 0;
    }

    private int fetch(String n, Path dataDir) {
        DataLocator.Location l = Datasets.fetch(n, dataDir);
        System.out.println(n + ": " + (l.kind() == DataLocator.Kind.EMBEDDED ? "embedded, nothing to fetch" : l.kind().label + " " + TerminalText.safe(l.dir())));
        return 0;
    }

    private int show(Args args, String n, Path dataDir) {
        int index = args.integer("index", -1);
        if (!args.has("index")) throw new UserError("missing required flag --index");
        Split split = parseSplit(args.choice("split", "train", "train", "test", "pool"));
        Path png = args.path("png", null);
        boolean force = args.flag("force");
        args.finish();
        if (png != null) Outputs.checkFile("png", png, force);
        Dataset d = Datasets.load(n, split, dataDir);
        if (index < 0 || index >= d.n())
            throw new UserError("--index " + index + " is out of range 0.." + (d.n() - 1) + " for " + n + " " + split.name().toLowerCase());
        int label = d.labels()[index];
        System.out.println(n + " " + split.name().toLowerCase() + " #" + index + ": label " + label + " '" + d.classNames().get(label) + "'");
        System.out.print(ascii(d, index));
        if (png != null) savePng(d, index, png);
        return 0;
    }

    /** Loads a folder as every command would, timed; optionally shows one picture of the pool. */
    private int showImages(Args args, List<String> pos) {
        noMore(pos, 1);
        int index = args.integer("index", -1);
        Path png = args.path("png", null);
        if (png != null) Outputs.checkFile("png", png, args.flag("force"));
        long t0 = System.nanoTime();
        gmvae4j.datasets.images.ImageSet s = ImageArgs.load(args);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.println(s.describe());
        System.out.printf(java.util.Locale.ROOT, "loaded %,d pictures in %.2f s (%s, %d threads)%n", s.pool().n(), secs,
                s.fromCache() ? "from the cache" : "decoded", gmvae4j.datasets.images.ParallelDecode.threads());
        if (index < 0) return 0;
        Dataset d = s.pool();
        if (index >= d.n()) throw new UserError("--index " + index + " is out of range 0.." + (d.n() - 1));
        int label = d.labels() == null ? -1 : d.labels()[index];
        System.out.println("#" + index + " " + gmvae4j.io.TerminalText.safe(s.paths().get(index))
                + (label < 0 ? "" : ": label '" + gmvae4j.io.TerminalText.safe(d.classNames().get(label)) + "'"));
        System.out.print(ascii(d, index));
        if (png != null) savePng(d, index, png);
        return 0;
    }

    private static void savePng(Dataset d, int index, Path png) {
        try {
            writePng(d, index, png, 8);
        } catch (IOException e) {
            throw new UserError("--png " + png + ": cannot write (" + e.getMessage() + ")", e);
        }
        System.out.println("wrote " + TerminalText.safe(png));
    }

    /**
     * Writes every image of a split as DIR/{train,test}/CLASS/NNNNN.png (grey, as stored). The
     * pictures go into a hidden sibling folder ({@link AtomicFiles#newSiblingDirectory}), which is
     * renamed to DIR only when every file is written: DIR appears whole or not at all, and an
     * interrupted export leaves only the hidden folder. DIR must not exist or be an empty folder
     * (which the rename replaces); a folder with anything in it is the user's and is refused.
     */
    private int export(Args args, String n, Path dataDir) {
        Path to = args.path("to", null);
        if (to == null) throw new UserError("missing required flag --to DIR");
        Split split = parseSplit(args.choice("split", "pool", "train", "test", "pool"));
        int limit = args.integer("limit", 0);
        if (limit < 0) throw new UserError("--limit must be positive, got " + limit);
        args.finish();
        String name = "--to " + TerminalText.safe(to);
        checkExportFolder(name, to);   // before any work
        // an empty folder reached through a link is replaced where it is, the link kept
        Path target = to.toAbsolutePath();
        try {
            if (Files.exists(to)) target = to.toRealPath();
        } catch (IOException e) {
            throw new UserError(name + ": cannot read the folder (" + e.getMessage() + ")", e);
        }
        List<Split> parts = split == Split.POOL ? List.of(Split.TRAIN, Split.TEST) : List.of(split);
        long t0 = System.nanoTime();
        Path tmp = null;
        try {
            tmp = AtomicFiles.newSiblingDirectory(target, "tmp");
            int written = 0;
            for (Split part : parts) {
                Dataset d = Datasets.load(n, part, dataDir);
                int count = limit > 0 ? Math.min(limit, d.n()) : d.n();
                String folder = part.name().toLowerCase(java.util.Locale.ROOT);
                for (int i = 0; i < count; i++) {
                    String cls = d.classNames().get(d.labels()[i]).replaceAll("[^A-Za-z0-9._-]", "_");
                    // plain writes: the folder is ours and hidden until the rename below
                    Path f = tmp.resolve(folder).resolve(cls).resolve(String.format(java.util.Locale.ROOT, "%05d.png", i));
                    Files.createDirectories(f.getParent());
                    BufferedImage img = new BufferedImage(d.cols(), d.rows(), BufferedImage.TYPE_BYTE_GRAY);
                    for (int p = 0; p < d.dim(); p++) img.getRaster().setSample(p % d.cols(), p / d.cols(), 0, d.pixels()[i * d.dim() + p] & 0xff);
                    if (!ImageIO.write(img, "png", f.toFile())) throw new UserError("no PNG writer in this JVM");
                    written++;
                }
            }
            checkExportFolder(name, target);   // again: something may have appeared there while we worked
            AtomicFiles.move(tmp, target);   // rename(2) replaces an empty folder, never a full one
            System.out.printf(java.util.Locale.ROOT, "wrote %,d PNG files under %s in %.1f s%n", written, TerminalText.safe(to), (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new UserError(name + ": cannot write (" + e.getMessage() + ")", e);
        } finally {
            if (tmp != null) deleteLeftover(tmp);
        }
        return 0;
    }

    /** The export folder: new (in a writable folder) or empty; anything else is the user's. */
    private static void checkExportFolder(String name, Path to) {
        if (Files.exists(to, java.nio.file.LinkOption.NOFOLLOW_LINKS) && (!Files.isDirectory(to) || hasEntries(name, to)))
            throw new UserError(name + ": exists and is not an empty folder; name a new folder, nothing in it was touched");
        // an empty current folder would be swapped for the new one under the user's shell, which stays in the old
        if (Files.isDirectory(to) && ReportDirectory.holdsCurrentFolder(to))
            throw new UserError(name + ": is the current folder; name a new folder for the pictures");
        Outputs.checkParent(name, to);
    }

    private static void deleteLeftover(Path tmp) {
        try {
            AtomicFiles.deleteSibling(tmp);
        } catch (IOException e) {
            System.err.println("gmvae data: could not remove the unfinished export " + TerminalText.safe(tmp) + " (" + TerminalText.safe(e.getMessage()) + ")");
        }
    }

    private static boolean hasEntries(String name, Path dir) {
        try (var s = Files.list(dir)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            throw new UserError(name + ": cannot read the folder (" + e.getMessage() + ")", e);
        }
    }

    private static Split parseSplit(String s) {
        try {
            return Split.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UserError("--split: " + e.getMessage());
        }
    }

    /** One character per pixel, darkest ink = '@', framed so blank rows are visible. */
    static String ascii(Dataset d, int i) {
        StringBuilder sb = new StringBuilder();
        String edge = "+" + "-".repeat(d.cols()) + "+\n";
        sb.append(edge);
        for (int r = 0; r < d.rows(); r++) {
            sb.append('|');
            for (int c = 0; c < d.cols(); c++) {
                int v = d.pixels()[i * d.dim() + r * d.cols() + c] & 0xff;
                sb.append(RAMP.charAt(v * (RAMP.length() - 1) / 255));
            }
            sb.append("|\n");
        }
        return sb.append(edge).toString();
    }

    /** Ink as black on white, each pixel a scale×scale block; written to a temp file then moved into place. */
    static void writePng(Dataset d, int i, Path out, int scale) throws IOException {
        BufferedImage img = new BufferedImage(d.cols() * scale, d.rows() * scale, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++) {
                int v = 255 - (d.pixels()[i * d.dim() + (y / scale) * d.cols() + x / scale] & 0xff);
                img.getRaster().setSample(x, y, 0, v);
            }
        AtomicFiles.write(out, o -> {
            if (!ImageIO.write(img, "png", o)) throw new IOException("no PNG writer in this JVM");
        });
    }

    private int verify(String n, Path dataDir) {
        if (n.equals("glyphs")) {
            Dataset a = Glyphs.generate(260, 1), b = Glyphs.generate(260, 1);
            boolean same = java.util.Arrays.equals(a.pixels(), b.pixels());
            System.out.println("glyphs: embedded; generation is " + (same ? "deterministic (ok)" : "NOT deterministic"));
            return same ? 0 : 1;
        }
        Catalog.Spec spec = Catalog.spec(n);
        DataLocator.Location l = Datasets.locate(n, dataDir), lab;
        if (!l.found() && (lab = labelsOnly(n, dataDir)) != null) return verifyLabelsOnly(spec, lab, dataDir, l.note());
        if (!l.found()) throw new UserError(n + ": not found (./gmvae data fetch " + n + ", or --data DIR / GMVAE_DATA)");
        System.out.println(n + ": " + l.kind().label + " " + TerminalText.safe(l.dir()));
        int warnings = checksums(spec, l, 0, 1, 2, 3);
        for (Split s : new Split[]{Split.TRAIN, Split.TEST}) {
            Dataset d = Datasets.load(n, s, dataDir);
            System.out.println("  " + s.name().toLowerCase() + ": " + d.n() + " images of " + d.rows() + "x" + d.cols()
                    + ", labels in range, " + classRange(d.labels(), d.numClasses()));
        }
        System.out.println(n + ": readable" + (warnings > 0 ? ", " + warnings + " checksum warning(s)" : ", all checksums match"));
        return 0;
    }

    /** The shared EMNIST copy holds labels only: check those and say the images are missing. */
    private int verifyLabelsOnly(Catalog.Spec spec, DataLocator.Location l, Path dataDir, String why) {
        System.out.println(spec.name() + ": " + l.kind().label + " " + TerminalText.safe(l.dir()) + " (labels only)");
        int warnings = checksums(spec, l, Catalog.Spec.TRAIN_LABELS, Catalog.Spec.TEST_LABELS);
        for (Split s : new Split[]{Split.TRAIN, Split.TEST}) {
            int[] labels = Datasets.loadLabels(spec.name(), s, dataDir);
            System.out.println("  " + s.name().toLowerCase() + ": " + labels.length + " labels in range, " + classRange(labels, spec.classNames().size()));
        }
        System.out.println(spec.name() + ": labels readable" + (warnings > 0 ? " (" + warnings + " checksum warning(s))" : "")
                + " but the images are missing" + (why == null ? "" : ": " + why));
        return 1;
    }

    private static DataLocator.Location labelsOnly(String n, Path dataDir) {
        if (n.equals("glyphs")) return null;
        try {
            DataLocator.Location l = DataLocator.system(dataDir).find(Catalog.spec(n), Catalog.Spec.TRAIN_LABELS, Catalog.Spec.TEST_LABELS);
            return l.found() ? l : null;
        } catch (DataException e) {
            return null;
        }
    }

    private static String classRange(int[] labels, int k) {
        int[] counts = new int[k];
        for (int lab : labels) counts[lab]++;
        return "per class min " + java.util.Arrays.stream(counts).min().orElse(0) + " max " + java.util.Arrays.stream(counts).max().orElse(0);
    }

    /** Prints each file's MD5 status; returns how many differ from the published checksum. */
    private static int checksums(Catalog.Spec spec, DataLocator.Location l, int... keys) {
        int warnings = 0;
        for (int k : keys) {
            Path f = l.file(k);
            String status;
            if (!f.getFileName().toString().endsWith(".gz")) {
                status = "uncompressed: no published checksum, checked by reading below";
            } else {
                String got = Md5.of(f), want = spec.md5().get(k);
                if (want == null) status = "MD5 " + got + " (no published checksum)";
                else if (want.equalsIgnoreCase(got)) status = "MD5 ok (" + got + ")";
                else {
                    status = "MD5 " + got + " differs from the published " + want + " (a re-compressed copy? checked by reading below)";
                    warnings++;
                }
            }
            System.out.println("  " + TerminalText.safe(f.getFileName()) + ": " + status);
        }
        return warnings;
    }
}

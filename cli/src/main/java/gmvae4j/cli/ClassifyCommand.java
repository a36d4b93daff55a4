package gmvae4j.cli;

import gmvae4j.io.AtomicFiles;
import gmvae4j.io.TerminalText;
import gmvae4j.datasets.DataException;
import gmvae4j.datasets.IdxReader;
import gmvae4j.datasets.Progress;
import gmvae4j.datasets.images.BadImageException;
import gmvae4j.datasets.images.ConversionOptions;
import gmvae4j.datasets.images.ImageConversion;
import gmvae4j.datasets.images.ImageFolder;
import gmvae4j.datasets.images.ParallelDecode;
import gmvae4j.engine.eval.Decoder;
import gmvae4j.engine.eval.LabelMap;
import gmvae4j.engine.eval.Rows;
import gmvae4j.engine.eval.ScoringDecoder;
import gmvae4j.engine.gmvae.Gmvae;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code gmvae classify}: labels for new images with a trained model and a saved label map.
 * Folders are streamed a chunk at a time (decoded on all cores, classified, written), so memory
 * stays bounded whatever their size; {@code --csv} is written beside its target and moved into
 * place at the end, so a crash never leaves half a file.
 */
final class ClassifyCommand implements Command {
    /** Pictures decoded and classified at a time. */
    static final int CHUNK = 2048;

    @Override public String name() { return "classify"; }

    @Override public String summary() { return "label new images (folders, pictures or IDX files) with a model and a label map"; }

    @Override public String usage() {
        return """
                usage: ./gmvae classify --model FILE --labelmap FILE [--decoder soft-dot] [--csv OUT.csv] INPUTS...

                INPUTS: folders (every PNG, JPEG, BMP, GIF under them, streamed), picture files, or IDX
                image files (raw or gzipped; every image in them). Pictures are converted as --images
                converts them, to the model's size. Without --csv prints one line per image:
                name <tab> label. With --csv writes path,label,score,runner_up,cluster (atomically):
                score = the label's share of the decoder's class scores (hard decoders: of the posterior
                mass of the clusters each class names), runner_up = the next best class, cluster = the
                most probable component.

                  --decoder D           hard|hard+fallback|soft-dot|soft-cos|soft-dot+T|soft-prop (default soft-dot)
                  --csv FILE            write the CSV here instead of printing
                  --force               replace an existing --csv file
                  --invert auto|yes|no  picture polarity (default auto: a light background is inverted)
                  --max-pixels N        pictures whose header claims more pixels are bad (default 100000000)
                  --strict              a bad picture inside a folder stops the run (named pictures always do)""";
    }

    @Override public int run(Args a) throws Exception {
        Path model = Path.of(a.required("model"));
        Path mapFile = Path.of(a.required("labelmap"));
        String dec = a.choice("decoder", "soft-dot", "hard", "hard+fallback", "soft-dot", "soft-cos", "soft-dot+T", "soft-prop");
        Path csv = a.path("csv", null);
        boolean strict = a.flag("strict");
        boolean force = a.flag("force");
        if (a.has("image-size")) throw new UserError("--image-size: classify converts pictures to the model's size");
        ConversionOptions.Invert invert = ConversionOptions.Invert.parse(a.choice("invert", "auto", "auto", "yes", "no"));
        long cap = ImageArgs.conversion(a).maxPixels();
        a.finish();
        List<String> inputs = a.positionals();
        if (inputs.isEmpty()) throw new UserError("no images given (folders, pictures or IDX files)");
        for (String f : inputs) {
            Path p = Path.of(f);
            if (!Files.exists(p)) throw new UserError("no such file or folder: " + TerminalText.safe(f));
            // a pipe would block the open until something writes to it, a device may never end
            if (!Files.isRegularFile(p) && !Files.isDirectory(p))
                throw new UserError(TerminalText.safe(f) + ": not a file or folder of pictures (a pipe, device or socket)");
        }
        if (csv != null) Outputs.checkFile("csv", csv, force);
        Gmvae m = Inputs.model(model);
        LabelMap map = Inputs.labelMap(mapFile);
        Inputs.checkMapFitsModel(mapFile, map, model, m);
        int side = (int) Math.round(Math.sqrt(m.inputDim()));
        if (side * side != m.inputDim() || side > ConversionOptions.MAX_SIZE) throw new UserError("the model's input is not a square image of at most 64x64");
        ConversionOptions conv = new ConversionOptions(side, invert, cap);

        if (csv == null) {
            Classifier c = new Classifier(m, map, Decoder.byName(dec), conv, strict, new Sink(null, map));
            c.run(inputs);
            if (c.skipped > 0) System.err.printf(Locale.ROOT, "classified %,d images, %,d skipped%n", c.done, c.skipped);
        } else {
            // the CSV through the one atomic writer: forced to disk, then renamed over the target
            Classifier[] done = new Classifier[1];
            AtomicFiles.write(csv, out -> {
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
                done[0] = new Classifier(m, map, Decoder.byName(dec), conv, strict, new Sink(w, map));
                done[0].run(inputs);
                w.flush();   // not close: the writer's stream is AtomicFiles', which forces it before the rename
            });
            System.err.printf(Locale.ROOT, "classified %,d images, %,d skipped; wrote %s%n", done[0].done, done[0].skipped,
                    TerminalText.safe(csv.toString()));
        }
        return 0;
    }

    /** Where results go: stdout lines, or CSV rows into a writer. */
    private static final class Sink {
        final Writer w;
        final LabelMap map;

        Sink(Writer w, LabelMap map) throws IOException {
            this.w = w;
            this.map = map;
            if (w != null) w.write("path,label,score,runner_up,cluster\n");
        }

        void row(String name, int label, double score, int runnerUp, int cluster) throws IOException {
            if (w == null) {
                System.out.println(TerminalText.safe(name) + "\t" + TerminalText.safe(className(label)));
                return;
            }
            w.write(csvField(name) + "," + csvField(className(label)) + "," + String.format(Locale.ROOT, "%.4f", score) + ","
                    + (runnerUp < 0 ? "" : csvField(className(runnerUp))) + "," + cluster + "\n");
        }

        String className(int l) { return map.classNames().isEmpty() ? Integer.toString(l) : map.classNames().get(l); }
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break. */
    static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    /** Streams the inputs through the model a chunk at a time. */
    private static final class Classifier {
        final Gmvae m;
        final LabelMap map;
        final Decoder d;
        final ConversionOptions conv;
        final boolean strict;
        final Sink sink;
        int done, skipped;
        final List<String> shown = new ArrayList<>();
        Progress bar;

        Classifier(Gmvae m, LabelMap map, Decoder d, ConversionOptions conv, boolean strict, Sink sink) {
            this.m = m;
            this.map = map;
            this.d = d;
            this.conv = conv;
            this.strict = strict;
            this.sink = sink;
        }

        void run(List<String> inputs) throws IOException {
            // Folders are listed first (paths only) so the bar knows the total.
            List<Object> plan = new ArrayList<>();
            long total = 0;
            for (String f : inputs) {
                Path p = Path.of(f);
                if (Files.isDirectory(p)) {
                    ImageFolder.Listing l;
                    try {
                        l = ImageFolder.list(p);
                    } catch (DataException e) {
                        throw new UserError(e.getMessage(), e);
                    }
                    if (strict && !l.problems().isEmpty()) throw new UserError(TerminalText.safe(f) + ": " + l.problems().getFirst() + " (--strict)");
                    for (String note : l.problems()) System.err.println("note: " + TerminalText.safe(f) + "/" + note);
                    plan.add(l);
                    total += l.files().size();
                } else {
                    plan.add(p);
                    total += 1;
                }
            }
            if (sink.w != null) bar = Progress.items(System.err, "classifying", total, "images");
            for (Object o : plan) {
                if (o instanceof ImageFolder.Listing l) folder(l);
                else file((Path) o);
            }
            if (bar != null) bar.finish(done + skipped);
            if (skipped > 0) {
                System.err.printf(Locale.ROOT, "skipped %,d pictures (--strict makes this an error):%n", skipped);
                for (String s : shown) System.err.println("  " + s);
                if (skipped > shown.size()) System.err.println("  ... and " + (skipped - shown.size()) + " more");
            }
        }

        void folder(ImageFolder.Listing l) throws IOException {
            List<ImageFolder.Entry> files = l.files();
            for (int from = 0; from < files.size(); from += CHUNK) {
                int to = Math.min(files.size(), from + CHUNK), n = to - from;
                List<Path> paths = new ArrayList<>(n);
                for (int i = from; i < to; i++) paths.add(l.root().resolve(files.get(i).path()));
                byte[] px = new byte[n * m.inputDim()];
                String[] bad = new String[n];
                int base = done + skipped;
                ParallelDecode.run(paths, conv, px, bad, bar == null ? null : k -> bar.update(base + k));
                int[] good = java.util.stream.IntStream.range(0, n).filter(i -> bad[i] == null).toArray();
                for (int i = 0; i < n; i++)
                    if (bad[i] != null) {
                        String line = TerminalText.safe(paths.get(i).toString()) + ": " + bad[i];
                        if (strict) throw new UserError(line + " (--strict)");
                        if (skipped++ < gmvae4j.datasets.images.ImageSets.SHOWN_SKIPPED) shown.add(line);
                    }
                byte[] ok = new byte[good.length * m.inputDim()];
                for (int j = 0; j < good.length; j++) System.arraycopy(px, good[j] * m.inputDim(), ok, j * m.inputDim(), m.inputDim());
                List<String> names = new ArrayList<>(good.length);
                for (int i : good) names.add(paths.get(i).toString());
                classify(ok, names);
            }
        }

        void file(Path p) throws IOException {
            if (ImageFolder.isPicture(p.getFileName().toString())) {
                byte[] px;
                try {
                    px = ImageConversion.load(p, conv);
                } catch (BadImageException e) {
                    throw new UserError(TerminalText.safe(p.toString()) + ": " + e.getMessage());
                }
                classify(px, List.of(p.toString()));
                return;
            }
            try {
                IdxReader.Images im = IdxReader.readImages(p, conv.size(), conv.size());
                List<String> names = new ArrayList<>(im.n());
                for (int i = 0; i < im.n(); i++) names.add(p + "[" + i + "]");
                for (int from = 0; from < im.n(); from += CHUNK) {
                    int to = Math.min(im.n(), from + CHUNK);
                    classify(java.util.Arrays.copyOfRange(im.pixels(), from * m.inputDim(), to * m.inputDim()), names.subList(from, to));
                }
            } catch (DataException e) {
                throw new UserError(e.getMessage() + " (not a picture by its name: .png .jpg .jpeg .bmp .gif)", e);
            }
        }

        void classify(byte[] px, List<String> names) throws IOException {
            int n = names.size(), k = m.k(), nc = map.numClasses();
            if (n == 0) return;
            float[] q = m.posterior(px, n);
            for (int i = 0; i < n; i++) {
                int off = i * k;
                double[] s;
                if (d instanceof ScoringDecoder sd) {
                    s = sd.scores(map, q, off);
                } else { // hard decoders: posterior mass of the clusters each class names
                    s = new double[nc];
                    for (int c = 0; c < k; c++) if (map.hardLabel(c) != LabelMap.NONE) s[map.hardLabel(c)] += q[off + c];
                }
                int label = d.predict(map, q, off), runner = -1;
                double sum = 0;
                for (int l = 0; l < nc; l++) {
                    if (Double.isFinite(s[l]) && s[l] > 0) sum += s[l];
                    if (l != label && Double.isFinite(s[l]) && (runner < 0 || s[l] > s[runner])) runner = l;
                }
                double score = sum > 0 && Double.isFinite(s[label]) ? Math.max(0, s[label]) / sum : 0;
                sink.row(names.get(i), label, score, runner, Rows.argmax(q, off, k));
            }
            done += n;
            if (bar != null) bar.update(done + skipped);
        }
    }
}

package gmvae4j.cli;

import gmvae4j.benchmarks.HeapPeak;
import gmvae4j.datasets.Dataset;
import gmvae4j.engine.NonFiniteException;
import gmvae4j.engine.gmvae.ConsoleProgress;
import gmvae4j.engine.gmvae.GmvaeConfig;
import gmvae4j.engine.gmvae.ModelFile;
import gmvae4j.engine.gmvae.GmvaeTraining;
import gmvae4j.engine.gmvae.ModelFileException;
import gmvae4j.engine.gmvae.TrainOptions;
import gmvae4j.engine.gmvae.TrainResult;
import gmvae4j.io.AtomicFiles;
import gmvae4j.io.TerminalText;
import gmvae4j.kernels.Backends;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** {@code gmvae train}: trains a GMVAE on a data set without its labels and saves it. */
final class TrainCommand implements Command {

    @Override public String name() { return "train"; }

    @Override public String summary() { return "train a GMVAE (mixture or marginal) on a data set, unsupervised"; }

    @Override public String usage() {
        return """
                usage: ./gmvae train --dataset NAME --out MODEL.gmvae [flags]
                       ./gmvae train --images DIR --out MODEL.gmvae [flags]

                  --dataset NAME        mnist, fashion-mnist, emnist-letters, glyphs (embedded), glyphs:N (N synthetic)
                  --data DIR            where the data files are (else $GMVAE_DATA, the cache, or download)
                  --split pool|train    pool = train ∪ test, the study's setting (default pool)
                  --limit N             use only the first N images
                """ + ImageArgs.USAGE + "\n" + """
                  --out FILE            the model file, written when training ends (checkpoints after every
                                        epoch go to FILE.partial beside it); an existing FILE needs --resume or --force
                  --resume              continue FILE (or the FILE.partial an interrupted run left) with its
                                        optimizer state and β, up to --epochs in total, on the same images;
                                        architecture flags must agree
                  --force               replace an existing FILE (and discard a FILE.partial) with a new model
                  --variant V           mixture (default) or marginal (the study's model)
                  --k K                 mixture components (default 100, at most 5000)
                  --z D                 latent dimension (default 10, at most 1024)
                  --hidden W,W          encoder widths (marginal: the trunk, last layer linear) (default 512,512;
                                        at most 16 layers of at most 16384)
                  --decoder-hidden W,W  decoder widths (default: --hidden reversed)
                  --arch mlp|conv       mlp (default) or conv: 2 conv layers (32, 64 channels) + --hidden MLP,
                                        mirrored by transposed convolutions (mixture only)
                  --preset P            default, or quality: --arch conv --z 8 --beta 3 --covariance full --epochs 500 --minutes 60 (purer
                                        clusters on MNIST in three times the time); flags given explicitly win
                  --prior P             learned (default: π = softmax(α), learned) or uniform (the study's)
                  --epochs E            GMVAE epochs after pretraining (default 50)
                  --pretrain-epochs P   autoencoder epochs before the k-means/GMM init (default 10)
                  --kmeans-restarts R   k-means++ starts of that init; the tightest one is kept (default 1)
                  --beta B              weight of the prior terms against reconstruction in the GMVAE epochs
                                        (mixture; default 2: tighter clusters; 1 is the ELBO, the study's;
                                        --resume: the model's own)
                  --covariance C        full (default) or diag (the study's): each component's precision learned
                                        as a Cholesky factor, ellipsoids at any angle (mixture; z² values per component)
                  --evaluate-every N    purity and non-empty components (an encoder pass over every image; empty
                                        components re-seeded) after every N epochs and the last (default 1; 0: last only)
                  --marginal-start S    how marginal starts: full (default: pretraining, GMM prior, q(c|x) head
                                        fitted to the GMM, every mean head at the pretrained encoder mean),
                                        classifier (no mean heads), prior (pretraining + GMM prior only),
                                        none (the study's: random weights, no pretraining)
                  --top-components M    marginal: sum the ELBO over each image's M most probable components
                                        (default 5; 0 = all K, the study's exact sum; the decoder runs M
                                        times per image instead of K)
                  --minutes M           wall-clock budget for the whole run (stops cleanly, saves)
                  --batch B             mini-batch size (default 128, at most 8192)
                  --shards S            pieces each batch is cut into, their passes side by side on two
                                        cores (default: 2 on two threads, else 1); the model depends on S:
                                        give it to train the same model on any machine
                  --lr LR               Adam learning rate (default 2e-3; ×0.9 every 10 epochs, floor 2e-4)
                  --lr-decay-every E    epochs between the ×0.9 steps of the learning rate (default 10)
                  --marginal-lr LR      marginal: the GMVAE phase's learning rate (default 5e-4; pretraining uses --lr)
                  --seed S              seed of weights, shuffling, noise, k-means (default 1)
                  --json                last stdout line: {"purity":..,"nonempty":..,"epochs":..,"seconds":..,"images_per_s":..}

                Prints one line per epoch (every loss term, non-empty components, purity when the data
                set has labels, lr, images/s, ETA) and a progress bar on stderr.""";
    }

    @Override public int run(Args args) throws Exception {
        HeapPeak.start();
        String dataset = ImageArgs.given(args) ? null : args.required("dataset");
        TrainOptions o = new TrainOptions();
        o.variant = args.choice("variant", "mixture", "mixture", "marginal");
        o.k = args.intIn("k", o.k, 1, TrainOptions.MAX_K);
        Preset preset = Preset.of(args);
        o.z = args.intIn("z", Preset.z(preset, o.z), 1, TrainOptions.MAX_Z);
        o.hidden = widths(args, "hidden", o.hidden);
        o.decoderHidden = widths(args, "decoder-hidden", null);
        o.arch = args.choice("arch", Preset.arch(preset), "mlp", "conv");
        o.learnPrior = args.choice("prior", "learned", "learned", "uniform").equals("learned");
        o.epochs = args.intIn("epochs", Preset.epochs(preset, o.epochs), 0, TrainOptions.MAX_EPOCHS);
        o.pretrainEpochs = args.intIn("pretrain-epochs", o.pretrainEpochs, 0, TrainOptions.MAX_EPOCHS);
        o.kmeansRestarts = args.intIn("kmeans-restarts", o.kmeansRestarts, 1, TrainOptions.MAX_KMEANS_RESTARTS);
        o.beta = Preset.beta(args, preset, o.variant);
        o.covariance = Preset.covariance(args, preset, o.variant);
        Preset.refuseForMarginal(args, o);
        o.evaluateEvery = args.intIn("evaluate-every", o.evaluateEvery, 0, TrainOptions.MAX_EPOCHS);
        o.marginalStart = args.choice("marginal-start", o.marginalStart, "full", "classifier", "prior", "none");
        o.topComponents = args.intIn("top-components", o.topComponents, 0, TrainOptions.MAX_K);
        o.minutes = args.number("minutes", Preset.minutes(preset));
        if (o.minutes < 0) throw new UserError("--minutes must be ≥ 0");
        o.batch = args.intIn("batch", o.batch, 1, TrainOptions.MAX_BATCH);
        o.shards = args.intIn("shards", o.shards, 0, TrainOptions.MAX_SHARDS);
        o.lr = args.number("lr", o.lr);
        if (!(o.lr > 0)) throw new UserError("--lr must be positive, got " + o.lr);
        o.lrDecayEvery = args.intIn("lr-decay-every", o.lrDecayEvery, 1, TrainOptions.MAX_EPOCHS);
        o.marginalLr = args.number("marginal-lr", o.marginalLr);
        if (!(o.marginalLr > 0)) throw new UserError("--marginal-lr must be positive, got " + o.marginalLr);
        o.seed = args.seed("seed", o.seed);
        try {
            o.validate();   // the engine's own check, a backstop to the flags' bounds above
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        o.out = args.path("out", null);
        if (o.out == null) throw new UserError("missing required flag --out (the model file to write)");
        boolean resume = args.flag("resume");
        boolean force = args.flag("force");
        boolean json = args.flag("json");
        Path out = o.out;
        Path partial = checkpointOf(out);
        // Before any work: where the model goes, and what training continues from.
        if (resume && force) throw new UserError("--resume continues " + TerminalText.safe(out) + ", --force replaces it: choose one");
        Outputs.checkFile("out", out, resume || force);
        if (Files.isDirectory(partial)) throw new UserError("--out " + TerminalText.safe(out) + ": " + TerminalText.safe(partial) + " is a folder");
        ModelFile.Contents resumed = null;
        if (resume) {
            // an interrupted run's checkpoint is newer than the model it started from
            o.resume = Files.isRegularFile(partial) ? partial : out;
            if (!Files.isRegularFile(o.resume))
                throw new UserError("--resume: " + TerminalText.safe(out) + " does not exist (train without --resume first)");
            resumed = checkSameArchitecture(args, o, o.resume);
            if (!args.has("beta")) o.beta = savedBeta(resumed, o.beta);   // the run goes on as it began
        } else if (Files.exists(partial) && !force) {
            throw new UserError("--out " + TerminalText.safe(out) + ": " + TerminalText.safe(partial) + " is left from an interrupted run; "
                    + "--resume continues it, --force starts over");
        }
        DataArgs.Picked picked = DataArgs.pick(args, dataset, "pool");
        Dataset data = picked.data();
        if (picked.images() != null) o.dataSource = picked.images().provenance();
        if (resumed != null) checkSameData(resumed, data);
        args.finish();
        if (!args.positionals().isEmpty()) throw new UserError("unexpected argument '" + TerminalText.safe(args.positionals().getFirst()) + "'");
        if (o.resume != null && o.resume.equals(partial)) System.err.println("train: resuming from " + TerminalText.safe(partial) + " (left by an interrupted run)");
        o.out = partial;   // checkpoints go beside the target; the target is replaced only at the end

        System.out.printf(Locale.ROOT, "data: %s %s, %d images %dx%d%s; kernels %s, %d thread(s)%n", data.name(),
                data.split().name().toLowerCase(Locale.ROOT), data.n(), data.rows(), data.cols(),
                data.labels() == null ? ", no labels" : "", Backends.get().name(), Backends.get().threads());
        if (picked.images() != null) System.out.println("images: " + picked.images().describe());
        TrainResult r;
        try {
            r = GmvaeTraining.train(Inputs.forTraining(data), o, ConsoleProgress.standard());
        } catch (ModelFileException e) {
            throw new UserError(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        } catch (NonFiniteException e) {
            System.err.println("gmvae train: training stopped: " + e.getMessage()
                    + (Files.isRegularFile(partial) ? "; the last good epoch is in " + TerminalText.safe(partial) : "")
                    + (Files.isRegularFile(out) ? "; " + TerminalText.safe(out) + " is unchanged" : ""));
            return 1;
        }
        AtomicFiles.move(partial, out);   // one rename: the old model until now, the finished one after
        StringBuilder summary = new StringBuilder();
        summary.append(String.format(Locale.ROOT, "done: %d epochs in %.1f s (%.0f images/s), nonempty %d/%d",
                r.epochs(), r.seconds(), r.imagesPerSecond(), r.nonEmpty(), r.model().k()));
        if (!Double.isNaN(r.purity())) summary.append(String.format(Locale.ROOT, ", purity %.4f", r.purity()));
        if (r.stoppedByBudget()) summary.append(" (stopped by the --minutes budget)");
        long peakMb = HeapPeak.bytes() >> 20;
        summary.append("; peak heap ").append(peakMb).append(" MB of ").append(Runtime.getRuntime().maxMemory() >> 20).append(" MB max");
        summary.append("; model written to ").append(TerminalText.safe(out));
        System.out.println(summary);
        if (json) {
            System.out.println(String.format(Locale.ROOT,
                    "{\"purity\":%s,\"nonempty\":%d,\"k\":%d,\"epochs\":%d,\"seconds\":%.3f,\"images_per_s\":%.1f,"
                            + "\"variant\":\"%s\",\"dataset\":\"%s\",\"images\":%d,\"stopped_by_budget\":%b,\"peak_heap_mb\":%d,\"model\":%s}",
                    Double.isNaN(r.purity()) ? "null" : String.format(Locale.ROOT, "%.6f", r.purity()), r.nonEmpty(), r.model().k(),
                    r.epochs(), r.seconds(), r.imagesPerSecond(), o.variant, data.name(), data.n(), r.stoppedByBudget(), peakMb,
                    new gmvae4j.cli.report.Json().value(out.toString()).toString().strip()));   // escaped: control characters too
        }
        return 0;
    }

    /** The β a model file's epochs ran with ({@link GmvaeTraining#savedBeta}); otherwise if that is unreadable or out of bounds. */
    private static double savedBeta(ModelFile.Contents saved, double otherwise) {
        double b = GmvaeTraining.savedBeta(saved.progress().get("beta"));
        return b > 0 && b <= TrainOptions.MAX_BETA ? b : otherwise;   // NaN (unreadable) fails too
    }

    /** Where training checkpoints go: beside the target, which is replaced only when training ends. */
    static Path checkpointOf(Path out) {
        return out.resolveSibling(out.getFileName() + ".partial");
    }

    /** --resume continues a model: an architecture flag given with it must say what the model has. Returns the file's contents. */
    private static ModelFile.Contents checkSameArchitecture(Args args, TrainOptions o, Path file) throws java.io.IOException {
        ModelFile.Contents contents;
        GmvaeConfig c;
        try {
            contents = ModelFile.read(file);
            c = GmvaeConfig.fromContents(contents);
        } catch (ModelFileException e) {
            throw new UserError(e.getMessage(), e);
        }
        String f = TerminalText.safe(file);
        conflict(args, "variant", o.variant, c.variant(), f);
        conflict(args, "k", Integer.toString(o.k), Integer.toString(c.k()), f);
        conflict(args, "z", Integer.toString(o.z), Integer.toString(c.z()), f);
        conflict(args, "hidden", join(o.hidden), join(c.hidden()), f);
        if (o.decoderHidden != null) conflict(args, "decoder-hidden", join(o.decoderHidden), join(c.decoderHidden()), f);
        conflict(args, "arch", o.arch, c.arch(), f);
        conflict(args, "prior", o.learnPrior ? "learned" : "uniform", c.learnPrior() ? "learned" : "uniform", f);
        conflict(args, "covariance", o.covariance, c.covariance(), f);
        return contents;
    }

    /**
     * --resume continues the same run, so on the same images: the model file's progress names the
     * data set and its image count (files from before that was recorded pass). Continuing on other
     * images would mix two runs into one model whose saved epoch count and purity mean neither.
     */
    private static void checkSameData(ModelFile.Contents saved, Dataset data) {
        String name = saved.progress().get("dataset"), images = saved.progress().get("images");
        if (name == null || images == null) return;
        if (!name.equals(data.name()) || !images.equals(Integer.toString(data.n())))
            throw new UserError("--resume: " + TerminalText.safe(saved.file()) + " was trained on " + TerminalText.safe(name) + " (" + TerminalText.safe(images)
                    + " images), the data now is " + TerminalText.safe(data.name()) + " (" + data.n() + " images); --resume continues a run on the "
                    + "same images (train a new model, or --force to start this one over)");
    }

    private static void conflict(Args args, String flag, String asked, String saved, String file) {
        if (args.has(flag) && !asked.equals(saved))
            throw new UserError("--resume: --" + flag + " " + asked + " conflicts with " + file + ", which has " + flag + " "
                    + saved + " (drop --" + flag + " to continue that model, or train a new one)");
    }

    private static String join(int[] a) {
        return java.util.Arrays.stream(a).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
    }

    /** Sum of the heap pools' peak usage since the JVM started (an upper bound on the live peak). */
    static int[] widths(Args args, String flag, int[] def) {
        int[] w = args.intList(flag, def);
        if (w == null) return null;
        if (w.length == 0) throw new UserError("--" + flag + " needs at least one width");
        if (w.length > TrainOptions.MAX_LAYERS) throw new UserError("--" + flag + ": at most " + TrainOptions.MAX_LAYERS + " layers, got " + w.length);
        for (int v : w) if (v < 1 || v > TrainOptions.MAX_WIDTH)
            throw new UserError("--" + flag + " widths must be in 1.." + TrainOptions.MAX_WIDTH + ", got " + v);
        return w;
    }
}

package gmvae4j.cli;

import gmvae4j.datasets.Dataset;
import gmvae4j.engine.NonFiniteException;
import gmvae4j.engine.gmvae.ConsoleProgress;
import gmvae4j.engine.gmvae.GmvaeTraining;
import gmvae4j.engine.gmvae.ModelFileException;
import gmvae4j.engine.gmvae.TrainOptions;
import gmvae4j.engine.gmvae.TrainResult;
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
                  --out FILE            the model file (written atomically after every epoch)
                  --resume              continue from --out with its optimizer state, up to --epochs in total
                  --variant V           mixture (default) or marginal (the study's model)
                  --k K                 mixture components (default 100)
                  --z D                 latent dimension (default 10)
                  --hidden W,W          encoder widths (marginal: the trunk, last layer linear) (default 512,512)
                  --decoder-hidden W,W  decoder widths (default: --hidden reversed)
                  --arch mlp|conv       mlp (default) or conv: 2 conv layers (32, 64 channels) + --hidden MLP,
                                        mirrored by transposed convolutions (mixture only)
                  --prior P             learned (default: π = softmax(α), learned) or uniform (the study's)
                  --epochs E            GMVAE epochs after pretraining (default 50)
                  --pretrain-epochs P   autoencoder epochs before the k-means/GMM init (mixture; default 10)
                  --minutes M           wall-clock budget for the whole run (stops cleanly, saves)
                  --batch B             mini-batch size (default 128)
                  --lr LR               Adam learning rate (default 2e-3; ×0.9 every 10 epochs, floor 2e-4)
                  --seed S              seed of weights, shuffling, noise, k-means (default 1)
                  --json                last stdout line: {"purity":..,"nonempty":..,"epochs":..,"seconds":..,"images_per_s":..}

                Prints one line per epoch (every loss term, non-empty components, purity when the data
                set has labels, lr, images/s, ETA) and a progress bar on stderr.""";
    }

    @Override public int run(Args args) throws Exception {
        String dataset = ImageArgs.given(args) ? null : args.required("dataset");
        TrainOptions o = new TrainOptions();
        o.variant = args.choice("variant", "mixture", "mixture", "marginal");
        o.k = args.positiveInt("k", o.k);
        o.z = args.positiveInt("z", o.z);
        o.hidden = widths(args, "hidden", o.hidden);
        o.decoderHidden = widths(args, "decoder-hidden", null);
        o.arch = args.choice("arch", "mlp", "mlp", "conv");
        if (o.arch.equals("conv") && o.variant.equals("marginal")) throw new UserError("--arch conv is only available for --variant mixture");
        o.learnPrior = args.choice("prior", "learned", "learned", "uniform").equals("learned");
        o.epochs = args.integer("epochs", o.epochs);
        if (o.epochs < 0) throw new UserError("--epochs must be ≥ 0, got " + o.epochs);
        o.pretrainEpochs = args.integer("pretrain-epochs", o.pretrainEpochs);
        if (o.pretrainEpochs < 0) throw new UserError("--pretrain-epochs must be ≥ 0, got " + o.pretrainEpochs);
        o.minutes = args.number("minutes", 0);
        if (o.minutes < 0) throw new UserError("--minutes must be ≥ 0");
        o.batch = args.positiveInt("batch", o.batch);
        o.lr = args.number("lr", o.lr);
        if (!(o.lr > 0)) throw new UserError("--lr must be positive, got " + o.lr);
        o.seed = args.seed("seed", o.seed);
        o.out = args.path("out", null);
        if (o.out == null) throw new UserError("missing required flag --out (the model file to write)");
        boolean resume = args.flag("resume");
        boolean json = args.flag("json");
        // the output is checked before the data is read (decoding a folder can take a while)
        if (resume) {
            if (!Files.exists(o.out)) throw new UserError("--resume: " + o.out + " does not exist (train without --resume first)");
            o.resume = o.out;
        }
        Path parent = o.out.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent))
            throw new UserError("--out " + o.out + ": " + parent + " is not a directory");
        DataArgs.Picked picked = DataArgs.pick(args, dataset, "pool");
        Dataset data = picked.data();
        if (picked.images() != null) o.dataSource = picked.images().provenance();
        args.finish();
        if (!args.positionals().isEmpty()) throw new UserError("unexpected argument '" + args.positionals().getFirst() + "'");

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
            System.err.println("gmvae train: training stopped: " + e.getMessage());
            return 1;
        }
        StringBuilder summary = new StringBuilder();
        summary.append(String.format(Locale.ROOT, "done: %d epochs in %.1f s (%.0f images/s), nonempty %d/%d",
                r.epochs(), r.seconds(), r.imagesPerSecond(), r.nonEmpty(), r.model().k()));
        if (!Double.isNaN(r.purity())) summary.append(String.format(Locale.ROOT, ", purity %.4f", r.purity()));
        if (r.stoppedByBudget()) summary.append(" (stopped by the --minutes budget)");
        long peakMb = peakHeapBytes() >> 20;
        summary.append("; peak heap ").append(peakMb).append(" MB of ").append(Runtime.getRuntime().maxMemory() >> 20).append(" MB max");
        summary.append("; model written to ").append(o.out);
        System.out.println(summary);
        if (json) {
            System.out.println(String.format(Locale.ROOT,
                    "{\"purity\":%s,\"nonempty\":%d,\"k\":%d,\"epochs\":%d,\"seconds\":%.3f,\"images_per_s\":%.1f,"
                            + "\"variant\":\"%s\",\"dataset\":\"%s\",\"images\":%d,\"stopped_by_budget\":%b,\"peak_heap_mb\":%d,\"model\":\"%s\"}",
                    Double.isNaN(r.purity()) ? "null" : String.format(Locale.ROOT, "%.6f", r.purity()), r.nonEmpty(), r.model().k(),
                    r.epochs(), r.seconds(), r.imagesPerSecond(), o.variant, data.name(), data.n(), r.stoppedByBudget(), peakMb,
                    o.out.toString().replace("\\", "\\\\").replace("\"", "\\\"")));
        }
        return 0;
    }

    /** Sum of the heap pools' peak usage since the JVM started (an upper bound on the live peak). */
    static long peakHeapBytes() {
        long total = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans())
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) total += pool.getPeakUsage().getUsed();
        return total;
    }

    static int[] widths(Args args, String flag, int[] def) {
        int[] w = args.intList(flag, def);
        if (w == null) return null;
        if (w.length == 0) throw new UserError("--" + flag + " needs at least one width");
        for (int v : w) if (v < 1) throw new UserError("--" + flag + " widths must be positive, got " + v);
        return w;
    }
}

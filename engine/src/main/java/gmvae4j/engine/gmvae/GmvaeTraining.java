package gmvae4j.engine.gmvae;

import gmvae4j.engine.Adam;
import gmvae4j.engine.NonFiniteException;
import gmvae4j.engine.Params;
import gmvae4j.kernels.Backends;
import gmvae4j.kernels.Kernels;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a GMVAE on a data set: the reusable API behind {@code gmvae train} and {@code gmvae experiment}.
 *
 * <pre>{@code
 * TrainOptions o = new TrainOptions();            // mixture, K=100, z=10, 512-512, Adam 2e-3 ...
 * o.epochs = 20; o.out = Path.of("mnist.gmvae");
 * TrainResult r = GmvaeTraining.train(dataset, o, listener);
 * float[] q = r.model().posterior(dataset.pixels(), dataset.n());
 * }</pre>
 *
 * <p>The run (fresh start): {@code pretrainEpochs} of plain autoencoder training; k-means++ on the
 * latent means refined by EM of a diagonal GMM, which sets the prior (the marginal variant then
 * carries it into its heads, {@link MarginalStart}, unless {@code marginalStart} is {@code none});
 * then the GMVAE epochs with Adam (lr decayed ×{@code lrDecay} every {@code lrDecayEvery} epochs,
 * floored). After each epoch: the posterior over the whole data set (non-empty components, purity),
 * a warning when components lost all their images, dead components re-seeded, a checkpoint written
 * (model + Adam state + progress) when {@code out} is set.
 *
 * <p>Reproducible: the same seed and thread count give bitwise the same model. Every epoch draws its
 * shuffle and its noise from generators seeded by (seed, phase, epoch), so a run resumed from a
 * checkpoint continues exactly as the uninterrupted run would have. Data stays as bytes; each batch is
 * converted to floats when it is used.
 *
 * <p>Any loss term or gradient turning NaN/Inf stops the run with a {@link NonFiniteException}
 * naming the term, the epoch and the batch.
 */
public final class GmvaeTraining {

    private GmvaeTraining() {}

    public static TrainResult train(TrainingImages data, TrainOptions o, ProgressListener listener) throws IOException {
        return new Run(data, o, listener).run();
    }

    /** Sums of loss terms over an epoch and how it ended. */
    private record EpochStats(Map<String, Double> meanTerms, int images, double seconds, boolean budgetHit) {}

    private static final class Run {
        final TrainingImages data;
        final TrainOptions o;
        final ProgressListener out;
        final long startNanos = System.nanoTime();
        final int n, dim;
        final List<EpochReport> history = new ArrayList<>();
        TrainableGmvae model;
        Adam adam;
        boolean budgetHit;
        double gmvaeSeconds, pretrainSeconds;
        long gmvaeImages, pretrainImages;
        double evalSeconds = 0;   // measured cost of one posterior pass, kept in reserve near the budget

        Run(TrainingImages data, TrainOptions o, ProgressListener out) {
            o.validate();
            if (data.n() < 1) throw new IllegalArgumentException("the data set '" + data.name() + "' is empty");
            this.data = data;
            this.o = o;
            this.out = out;
            this.n = data.n();
            this.dim = data.dim();
            this.kernels = o.kernels != null ? o.kernels : Backends.get();
        }

        double elapsed() { return (System.nanoTime() - startNanos) / 1e9; }

        boolean overBudget() {
            return o.minutes > 0 && elapsed() + evalSeconds > o.minutes * 60;
        }

        TrainResult run() throws IOException {
            int firstEpoch = 0;
            Purity last = null;
            if (o.resume != null) {
                GmvaeIo.Loaded loaded = GmvaeIo.loadAll(o.resume);
                model = loaded.model();
                if (model.inputDim() != dim)
                    throw new IllegalArgumentException(o.resume + " was trained on " + model.inputDim()
                            + "-pixel images, the data set has " + dim);
                adam = new Adam(model.params(), (float) o.lr, kernels);
                if (!GmvaeIo.restoreOptimizer(loaded, adam)) out.message("no optimizer state in " + o.resume + ": Adam starts fresh");
                firstEpoch = (int) loaded.contents().progressLong("epoch", 0, TrainOptions.MAX_EPOCHS, 0);
                double beforeBeta = savedBeta(loaded.contents().progress().get("beta"));
                if (beforeBeta != o.beta)   // a resumed run takes --beta as given: say so when it changed
                    out.message("note: the epochs so far ran with beta " + beforeBeta + ", these run with beta " + o.beta);
                out.message("resuming " + model.config() + " after epoch " + firstEpoch);
            } else {
                model = GmvaeIo.create(GmvaeConfig.from(o, data.rows(), data.cols()), o.seed);
                out.message("model: " + model.config() + ", " + model.params().size() + " parameters");
                if (model.pretrains() && !(model instanceof MarginalGmvae && o.marginalStart.equals("none"))) {
                    pretrain();
                    last = initialisePrior();
                }
                adam = new Adam(model.params(), (float) o.lrAt(0), kernels);   // fresh moments for the GMVAE phase
            }

            if (model instanceof MixtureGmvae mg) {
                mg.beta((float) o.beta);
                if (o.beta != 1) out.message("beta " + o.beta + ": the loss is rec + " + o.beta + " x (z_prior + entropy + cat)");
            }
            if (model instanceof MarginalGmvae m) {
                m.sumOverTop(o.topComponents);
                if (o.topComponents > 0 && o.topComponents < m.k())
                    out.message("the ELBO sums over each image's " + o.topComponents + " most probable components (of " + m.k() + ")");
            }
            int epoch = firstEpoch;
            int evaluatedAt = last != null ? epoch : -1;   // the epoch `last` was computed after
            while (epoch < o.epochs && !budgetHit) {
                if (overBudget()) { budgetHit = true; break; }
                double lr = o.lrAt(epoch);
                adam.lr((float) lr);
                EpochStats s = runEpoch("train", epoch, o.epochs, lr);
                gmvaeSeconds += s.seconds();
                gmvaeImages += s.images();
                budgetHit = s.budgetHit();
                if (s.images() < n && budgetHit) {
                    out.message("time budget of " + o.minutes + " min reached during epoch " + (epoch + 1));
                    if (s.images() == 0) break;
                }
                epoch++;
                Purity now = o.evaluateEvery > 0 && (epoch % o.evaluateEvery == 0 || epoch == o.epochs) ? evaluate() : null;
                if (now != null) {
                    if (last != null && now.nonEmpty() < last.nonEmpty())
                        out.message(String.format(java.util.Locale.ROOT, "warning: %d component(s) lost all their images by epoch %d (non-empty %d -> %d of %d)%s",
                                last.nonEmpty() - now.nonEmpty(), epoch, last.nonEmpty(), now.nonEmpty(), model.k(),
                                now.nonEmpty() * 2 < model.k() ? "; the clustering is collapsing" : ""));
                    if (o.reseedDead) reseedDead(now);
                    last = now;
                    evaluatedAt = epoch;
                }
                double perEpoch = elapsedGmvaePerEpoch(epoch - firstEpoch);
                double eta = (o.epochs - epoch) * perEpoch;
                if (o.minutes > 0) eta = Math.min(eta, Math.max(0, o.minutes * 60 - elapsed()));
                report("train", epoch, o.epochs, s.meanTerms(), now, lr, s.images() / s.seconds(), eta);
                if (o.out != null) save(epoch, lr);
            }
            if (evaluatedAt != epoch) last = evaluate();   // the result's purity is the final model's
            if (o.out != null) save(epoch, o.lrAt(Math.max(0, epoch - 1)));
            // throughput of the GMVAE epochs; of pretraining when the budget ended the run before any
            double ips = gmvaeImages > 0 ? gmvaeImages / gmvaeSeconds : pretrainImages > 0 ? pretrainImages / pretrainSeconds : 0;
            return new TrainResult(model, epoch, elapsed(), ips, last.nonEmpty(),
                    data.labels() == null ? Double.NaN : last.purity(), data.labels() == null ? null : last,
                    List.copyOf(history), budgetHit);
        }

        double elapsedGmvaePerEpoch(int epochsDone) {
            return epochsDone <= 0 ? Double.NaN : (gmvaeSeconds + evalSeconds * epochsDone) / epochsDone;
        }

        // ------------------------------------------------------------------ phases

        void pretrain() {
            if (o.pretrainEpochs == 0) return;
            Adam pre = new Adam(model.params(), (float) o.lr, kernels);
            Adam saved = adam;
            adam = pre;
            double start = elapsed();
            for (int e = 0; e < o.pretrainEpochs; e++) {
                if (overBudget()) {
                    out.message("time budget reached during pretraining (after " + e + " epochs)");
                    budgetHit = true;
                    break;
                }
                EpochStats s = runEpoch("pretrain", e, o.pretrainEpochs, o.lr);
                pretrainSeconds += s.seconds();
                pretrainImages += s.images();
                // a GMVAE epoch costs about what a pretraining epoch does: the ETA covers both phases
                double per = (elapsed() - start) / (e + 1);
                double eta = per * (o.pretrainEpochs - e - 1 + o.epochs);
                if (o.minutes > 0) eta = Math.min(eta, Math.max(0, o.minutes * 60 - elapsed()));
                report("pretrain", e + 1, o.pretrainEpochs, s.meanTerms(), null, o.lr, s.images() / s.seconds(), eta);
                if (s.budgetHit()) { budgetHit = true; break; }
            }
            adam = saved;
        }

        /** k-means++ on the latent means, refined by EM of a diagonal GMM: sets μ_c, σ²_c (and π if learned). */
        Purity initialisePrior() {
            double t0 = elapsed();
            int z = model.config().z(), k = model.k();
            float[] latent = model.latentMeans(data.pixels(), n);
            KMeans.Result km = KMeans.fitBest(latent, n, z, k, o.kmeansIterations, o.seed, o.kmeansRestarts);
            DiagonalGmm.Fit gmm = DiagonalGmm.fit(latent, n, z, km, o.emSteps, DiagonalGmm.defaultFloor(latent, n, z));
            model.setPrior(gmm.means(), gmm.variances(), gmm.weights());
            double[] ll = gmm.logLikelihood();
            out.message(String.format(java.util.Locale.ROOT,
                    "init: k-means++ (%d Lloyd iterations%s) then %d EM steps, GMM log-likelihood %.3f -> %.3f per point (%.1fs)",
                    km.iterations(), o.kmeansRestarts > 1 ? ", the tightest of " + o.kmeansRestarts + " starts" : "",
                    o.emSteps, ll[0], ll[ll.length - 1], elapsed() - t0));
            if (model instanceof MarginalGmvae m) MarginalStart.carry(m, data, latent, gmm, o, kernels, out);
            Purity p = evaluate();
            out.message("after init: nonempty " + p.nonEmpty() + (data.labels() == null ? ""
                    : String.format(java.util.Locale.ROOT, " purity %.4f", p.purity())));
            return p;
        }

        /** One pass over the shuffled data; pretraining when phase is {@code pretrain}. */
        EpochStats runEpoch(String phase, int epoch, int epochs, double lr) {
            boolean pre = phase.equals("pretrain");
            int b = o.batch;
            SplittableRandom shuffleRng = new SplittableRandom(mix(o.seed, pre ? 1 : 2, epoch, 0));
            SplittableRandom noiseRng = new SplittableRandom(mix(o.seed, pre ? 1 : 2, epoch, 1));
            int[] order = permutation(n, shuffleRng);
            Params params = model.params();
            BatchShards shards = shards(phase);
            float[] xbuf = new float[b * dim];
            float[] eps = pre ? null : new float[model.noiseSize(b)];
            Map<String, Double> sums = new LinkedHashMap<>();
            long t0 = System.nanoTime();
            int done = 0, batchIndex = 0, batches = (n + b - 1) / b;
            boolean hit = false;
            params.zeroGrad();   // once: each step leaves the gradients at zero (Adam.stepAndZeroGrad)
            for (int from = 0; from < n; from += b, batchIndex++) {
                int count = Math.min(b, n - from);
                Pixels.gather(data.pixels(), dim, order, from, count, xbuf);
                // forward, backward and the optimizer's step (a non-finite gradient refuses it; a
                // non-finite loss is not stepped, and stops the run here)
                double rec = 0;
                BatchShards.Means loss = null;
                if (!pre) {
                    int ns = model.noiseSize(count);
                    for (int i = 0; i < ns; i++) eps[i] = (float) noiseRng.nextGaussian();
                }
                try {
                    if (pre) rec = shards.pretrainStep(xbuf, count, adam);
                    else loss = shards.gmvaeStep(xbuf, count, eps, adam);
                } catch (NonFiniteException e) {
                    throw new NonFiniteException(phase + " epoch " + (epoch + 1) + " batch " + (batchIndex + 1) + ": " + e.getMessage());
                }
                if (pre) {
                    checkFinite("autoencoder reconstruction", rec, phase, epoch, batchIndex);
                    sums.merge("rec", rec * count, Double::sum);
                } else {
                    for (Map.Entry<String, Double> e : loss.terms().entrySet()) {
                        checkFinite(e.getKey(), e.getValue(), phase, epoch, batchIndex);
                        sums.merge(e.getKey(), e.getValue() * count, Double::sum);
                    }
                    sums.merge("loss", loss.total() * count, Double::sum);
                }
                done += count;
                double secs = (System.nanoTime() - t0) / 1e9;
                out.batch(phase, epoch + 1, epochs, batchIndex + 1, batches, done / Math.max(secs, 1e-9));
                if (overBudget()) { hit = true; break; }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> means = new LinkedHashMap<>();
            for (Map.Entry<String, Double> e : sums.entrySet()) means.put(e.getKey(), e.getValue() / Math.max(done, 1));
            return new EpochStats(means, done, secs, hit);
        }

        private final Kernels kernels;
        /** The shards of the phase that made them (pretraining's, then the GMVAE's: its twins take β and the top-m setting). */
        private BatchShards shards;
        private String shardsPhase;

        BatchShards shards(String phase) {
            if (!phase.equals(shardsPhase)) {
                shards = new BatchShards(model, kernels, o.batch, BatchShards.resolve(o.shards, kernels));
                shardsPhase = phase;
            }
            return shards;
        }

        void checkFinite(String term, double f, String phase, int epoch, int batch) {
            if (!Double.isFinite(f))
                throw new NonFiniteException("loss term '" + term + "' became " + f + " in " + phase + " epoch " + (epoch + 1)
                        + " batch " + (batch + 1) + " (lr " + adam.lr() + "); try a lower --lr");
        }

        /** Posterior over the whole data set: non-empty components and (with labels) purity. */
        Purity evaluate() {
            double t0 = elapsed();
            float[] q = model.posterior(data.pixels(), n);
            int[] assign = Purity.argmax(q, n, model.k());
            Purity p;
            if (data.labels() != null) p = Purity.of(assign, data.labels(), model.k(), Math.max(data.numClasses(), maxLabel() + 1));
            else p = Purity.of(assign, new int[n], model.k(), 1);
            lastAssign = assign;
            lastPosterior = q;
            evalSeconds = elapsed() - t0;
            return p;
        }

        int[] lastAssign;
        float[] lastPosterior;

        int maxLabel() {
            int m = 0;
            for (int l : data.labels()) m = Math.max(m, l);
            return m;
        }

        /**
         * A component with no argmax members is moved onto the worst-fitting member (lowest
         * responsibility) of the currently largest component, taking that component's variances.
         */
        void reseedDead(Purity p) {
            int k = model.k();
            int[] sizes = p.sizes().clone();
            boolean[] taken = new boolean[n];
            List<Integer> moved = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                if (sizes[c] > 0) continue;
                int donor = 0;
                for (int j = 1; j < k; j++) if (sizes[j] > sizes[donor]) donor = j;
                if (sizes[donor] < 2) break;
                int worst = -1;
                for (int i = 0; i < n; i++)
                    if (lastAssign[i] == donor && !taken[i]
                            && (worst < 0 || lastPosterior[i * k + donor] < lastPosterior[worst * k + donor])) worst = i;
                if (worst < 0) continue;
                taken[worst] = true;
                float[] mean = model.latentMean(java.util.Arrays.copyOfRange(data.pixels(), worst * dim, (worst + 1) * dim), donor);
                model.moveComponent(c, mean, donor);
                sizes[donor] -= sizes[donor] / 2;   // the next dead component goes to the next largest
                moved.add(c);
            }
            if (!moved.isEmpty()) out.message("re-seeded " + moved.size() + " empty component(s): " + moved);
        }

        void report(String phase, int epoch, int epochs, Map<String, Double> terms, Purity p, double lr, double ips, double eta) {
            EpochReport r = new EpochReport(phase, epoch, epochs, EpochReport.copy(terms), p == null ? -1 : p.nonEmpty(),
                    p == null || data.labels() == null ? Double.NaN : p.purity(), lr, ips, elapsed(), eta);
            history.add(r);
            out.epoch(r);
        }

        void save(int epoch, double lr) throws IOException {
            Map<String, String> progress = new LinkedHashMap<>();
            progress.put("epoch", Integer.toString(epoch));
            progress.put("lr", Double.toString(lr));
            progress.put("seed", Long.toString(o.seed));
            progress.put("batch", Integer.toString(o.batch));
            if (o.beta != 1) progress.put("beta", Double.toString(o.beta));
            progress.put("dataset", data.name());
            progress.put("images", Integer.toString(n));
            progress.putAll(o.dataSource);
            GmvaeIo.save(o.out, model, adam, progress);
        }
    }

    /** The β a checkpoint recorded (absent: 1, the ELBO; unreadable: NaN, which differs from any β). */
    public static double savedBeta(String v) {
        if (v == null) return 1;
        try { return Double.parseDouble(v); } catch (NumberFormatException e) { return Double.NaN; }
    }

    /** A permutation of 0..n-1 (Fisher–Yates). */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }

    /** A seed for (run seed, phase, epoch, stream), well mixed so nearby inputs give unrelated streams. */
    static long mix(long seed, int phase, int epoch, int stream) {
        long h = seed * 0x9E3779B97F4A7C15L + phase * 0xBF58476D1CE4E5B9L + epoch * 0x94D049BB133111EBL + stream;
        h ^= h >>> 31; h *= 0x7FB5D5D5A4C5EAB3L; h ^= h >>> 29;
        return h;
    }
}

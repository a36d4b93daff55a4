package gmvae4j.benchmarks;

import gmvae4j.engine.Adam;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.engine.gmvae.GmvaeConfig;
import gmvae4j.engine.gmvae.GmvaeIo;
import gmvae4j.engine.gmvae.TrainableGmvae;
import gmvae4j.kernels.Kernels;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code bench train}: the time of one GMVAE training step (forward, backward, Adam, noise drawn
 * like {@code GmvaeTraining} draws it) on a batch of 128, ours and the PyTorch peer's on the same
 * architecture, batch and thread count.
 *
 * <p>Ours and the peer alternate ({@code rounds} times: ours, peer, ours, peer, ...) so a busy spell on
 * a shared machine hits both; each side reports the median of its per-step times over all its rounds.
 */
public final class TrainStepBench {

    /** One configuration to measure. */
    public record Case(String variant, int k, int z, int[] hidden) {
        public GmvaeConfig config() {
            int[] dec = hidden.clone();
            for (int i = 0; i < dec.length / 2; i++) { int t = dec[i]; dec[i] = dec[dec.length - 1 - i]; dec[dec.length - 1 - i] = t; }
            return new GmvaeConfig(variant, k, z, 28, 28, hidden, dec, "mlp", "relu", false);
        }
    }

    public record Row(Case c, int batch, int threads, double ms, Double peerMs) {
        public Double ratio() { return peerMs == null ? null : ms / peerMs; }
    }

    private final Kernels kernels;
    private final int threads, batch, steps, warmup, rounds;
    private final TorchPeer peer;
    private final PrintStream progress;

    public TrainStepBench(Kernels kernels, int batch, int steps, int warmup, int rounds, TorchPeer peer, PrintStream progress) {
        this.kernels = kernels;
        this.threads = kernels.threads();
        this.batch = batch;
        this.steps = steps;
        this.warmup = warmup;
        this.rounds = rounds;
        this.peer = peer;
        this.progress = progress;
    }

    public Row run(Case c) {
        Ours ours = new Ours(c.config(), kernels, batch);
        // warm-up: the given steps and at least 4 s, so the JIT has compiled the hot loops (on 2 busy
        // cores its compiler threads compete with the steps: 30 steps of a fresh JVM measured 42 ms, not 8,
        // and after 2 s the first row was still ~15% slow)
        long until = System.nanoTime() + 4_000_000_000L;
        for (int i = 0; i < warmup || System.nanoTime() < until; i++) ours.steps(1, null);
        List<Double> mine = new ArrayList<>(), theirs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            ours.steps(steps, mine);
            if (peer != null && peer.available())
                peer.msPerStep(c.variant(), c.k(), c.z(), c.hidden(), batch, threads, steps, warmup, progress)
                        .ifPresent(theirs::add);
        }
        // the peer reports a median per run; with several rounds, the median of those
        return new Row(c, batch, threads, median(mine), theirs.isEmpty() ? null : median(theirs));
    }

    /** Our model, optimiser, tape and batch, set up once and stepped repeatedly. */
    static final class Ours {
        final TrainableGmvae model;
        final Adam adam;
        final Tape tape;
        final float[] x, eps;
        final int batch, dim;
        final SplittableRandom noise = new SplittableRandom(2);

        Ours(GmvaeConfig cfg, Kernels kernels, int batch) {
            this.model = GmvaeIo.create(cfg, 1);
            this.adam = new Adam(model.params(), 2e-3f, kernels);
            this.tape = new Tape(kernels);
            this.batch = batch;
            this.dim = cfg.inputDim();
            // pixels in [0,1] like x/255 of real images (the step time does not depend on the values)
            SplittableRandom rng = new SplittableRandom(3);
            x = new float[batch * dim];
            for (int i = 0; i < x.length; i++) x[i] = rng.nextInt(256) / 255f;
            eps = new float[model.noiseSize(batch)];
        }

        /** Runs n steps; adds each one's time in ms to {@code times} (when not null). */
        void steps(int n, List<Double> times) {
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                step();
                if (times != null) times.add((System.nanoTime() - t0) / 1e6);
            }
        }

        float step() {
            tape.reset();
            model.params().zeroGrad();
            for (int i = 0; i < eps.length; i++) eps[i] = (float) noise.nextGaussian();
            Tensor xt = tape.input(x, 0, batch, dim);
            Tensor loss = model.loss(tape, xt, eps).total();
            float v = loss.item();
            if (!Float.isFinite(v)) throw new IllegalStateException("loss became " + v + " during the benchmark");
            tape.backward(loss);
            adam.step();
            return v;
        }
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    public static String line(Row r) {
        return String.format(Locale.ROOT, "%-8s K=%-3d z=%-3d hidden %-9s batch %d  %d thread(s)   ours %8.2f ms   peer %s   ratio %s",
                r.c().variant(), r.c().k(), r.c().z(), TorchPeer.join(r.c().hidden()), r.batch(), r.threads(), r.ms(),
                r.peerMs() == null ? "     n/a" : String.format(Locale.ROOT, "%8.2f ms", r.peerMs()),
                r.ratio() == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", r.ratio()));
    }

    /** The rows as JSON array elements. */
    public static String jsonRows(List<Row> rows) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i > 0) sb.append(',');
            sb.append(String.format(Locale.ROOT,
                    "{\"variant\":\"%s\",\"k\":%d,\"z\":%d,\"hidden\":%s,\"batch\":%d,\"threads\":%d,\"ms_per_step\":%.3f,"
                            + "\"peer_ms_per_step\":%s,\"ratio\":%s}",
                    r.c().variant(), r.c().k(), r.c().z(), Arrays.toString(r.c().hidden()).replace(" ", ""), r.batch(),
                    r.threads(), r.ms(), r.peerMs() == null ? "null" : String.format(Locale.ROOT, "%.3f", r.peerMs()),
                    r.ratio() == null ? "null" : String.format(Locale.ROOT, "%.3f", r.ratio())));
        }
        return sb.append(']').toString();
    }
}

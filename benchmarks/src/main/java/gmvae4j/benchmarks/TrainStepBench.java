package gmvae4j.benchmarks;

import gmvae4j.engine.Adam;
import gmvae4j.engine.gmvae.BatchShards;
import gmvae4j.engine.gmvae.GmvaeConfig;
import gmvae4j.engine.gmvae.GmvaeIo;
import gmvae4j.engine.gmvae.TrainOptions;
import gmvae4j.engine.gmvae.TrainableGmvae;
import gmvae4j.io.JsonText;
import gmvae4j.kernels.Kernels;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code bench train}: the time of one GMVAE training step (forward, backward, Adam, noise drawn
 * like {@code GmvaeTraining} draws it) on a batch of 128, ours and the PyTorch peer's on the same
 * architecture, batch and thread count.
 *
 * <p>Ours and the peer alternate ({@code rounds} times: ours, peer, ours, peer, ...) so a busy spell on
 * a shared machine hits both; each side reports the median of its per-step times over all its rounds.
 * Both are timed warm: each run of the peer (a fresh process) takes {@code warmup} untimed steps
 * before its timed ones, and so does each of our rounds after the first (the first follows our
 * own warm-up, {@link #warmUp}). Measured without them (mixture z=10, two threads, a 3 s PyTorch
 * process before each round, rounds 2-6 of six each way, one JVM): 30 steps timed right after the
 * peer's process, medians 4.65-5.39 ms a step; after 30 untimed steps, 4.60-4.81; not only the
 * first step (1.04-1.24× its round's median) but the whole round ran slower.
 *
 * <p>The peer runs on its best kernels: PyTorch does its products through OpenBLAS, so each round
 * runs the peer on every other OpenBLAS kernel family the CPU can run too ({@link OpenBlasCore}:
 * AVX-512 and AVX2; which is faster depends on the CPU); and where the CPU has AVX-512 that ATen's
 * own elementwise kernels were not asked to use ({@link AtenCapability}), each of those with ATen's
 * AVX-512 set as well, since which of ATen's sets is faster depends on the CPU too. Where ours runs
 * on more than one thread, each of those settings, and the user's own, runs the peer on one thread
 * as well: PyTorch's step at batch 128 is often no faster on two (its small elementwise kernels
 * pay for the hand-off), and a user would pick the faster. The case then gets two rows: the peer as the environment has it ("user"), and the
 * fastest of every setting measured ("best"). Every row names the OpenBLAS core, ATen kernel set,
 * malloc and thread count that ran.
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

    /**
     * One measured line: ours against one peer setting. peerKernel is the OpenBLAS core the peer's
     * products ran on, peerCapability ATen's vector kernels, peerSetting "user" or "best",
     * peerAllocator its malloc, peerThreads its ATen threads and peerBlasThreads OpenBLAS's (all
     * null, like peerMs, when there is no peer), peerDevice the torch device its step ran on ("cpu",
     * "cuda:0"; null where it did not say). productGflop is the FLOPs of the products in one
     * of our steps (counted, {@link ProductFlops}), sgemmGflops our sgemm's rate on the
     * {@link #REFERENCE reference product}, measured in the same rounds as the steps.
     */
    public record Row(Case c, int batch, int threads, double ms, Double peerMs, String peerKernel,
                      String peerCapability, String peerSetting, String peerAllocator, Integer peerThreads,
                      Integer peerBlasThreads, String peerDevice, double productGflop, double sgemmGflops) {
        public Double ratio() { return peerMs == null ? null : ms / peerMs; }

        /** The step's product FLOPs per second, in GFLOP/s. */
        public double stepGflops() { return productGflop / (ms / 1e3); }

        /** How close the whole step runs to the machine's limit: its product rate over sgemm's rate. */
        public double sgemmFraction() { return stepGflops() / sgemmGflops; }

        /**
         * The step's floor: its products alone at {@code fmaPeakGflops} ({@link FmaPeak}), in ms. No
         * step with these products can be faster, whatever else it does and however well it packs.
         */
        public double floorMs(double fmaPeakGflops) { return productGflop / fmaPeakGflops * 1e3; }
    }

    /**
     * The product whose rate the step's is compared with: one hidden layer's forward product at
     * batch 128 (M×K×N = 128×512×512, both untransposed), the step's most frequent shape.
     */
    public static final int[] REFERENCE = {128, 512, 512};

    /** Our side's warm-up lasts at least this long (see {@link #run}). */
    private final long minWarmupNanos;
    private final Kernels kernels;
    private final int threads, batch, steps, warmup, rounds;
    private final TorchPeer peer;
    /**
     * One way to run the peer: a whole environment for its child (null: this process's) and its
     * thread count.
     */
    record Setting(Map<String, String> env, int threads) {}

    /** The peer's settings to try besides the user's. */
    private final List<Setting> candidates;
    private final PrintStream progress;
    private final int[] reference;

    /**
     * {@code choice}: the peer's OpenBLAS settings ({@link OpenBlasCore#choose}, for the library the
     * peer loads); {@code atenEnvs}: {@link #atenAlternatives} of it (empty for none).
     */
    public TrainStepBench(Kernels kernels, int batch, int steps, int warmup, int rounds, TorchPeer peer,
                          OpenBlasCore.Choice choice, List<Map<String, String>> atenEnvs, PrintStream progress) {
        this(kernels, batch, steps, warmup, rounds, peer, choice, atenEnvs, progress, 4_000_000_000L, REFERENCE);
    }

    /**
     * The environments that also put ATen on its AVX-512 kernels: the user's, and each of the
     * choice's other OpenBLAS settings, with {@value AtenCapability#VAR}=avx512 added; empty where
     * that is not worth a try on this machine ({@link AtenCapability}).
     */
    public static List<Map<String, String>> atenAlternatives(OpenBlasCore.Choice choice) {
        List<Map<String, String>> bases = new ArrayList<>();
        bases.add(System.getenv());
        if (choice != null) for (OpenBlasCore.Other o : choice.others()) bases.add(o.env());
        List<Map<String, String>> envs = new ArrayList<>();
        for (Map<String, String> base : bases) {
            Map<String, String> e = AtenCapability.avx512Env(CpuInfo.flags(), System.getenv(), base);
            if (e != null) envs.add(e);
        }
        return envs;
    }

    /** With the minimum warm-up and the reference product given (tests of the plumbing: 0 and a small one). */
    TrainStepBench(Kernels kernels, int batch, int steps, int warmup, int rounds, TorchPeer peer,
                   OpenBlasCore.Choice choice, List<Map<String, String>> atenEnvs, PrintStream progress, long minWarmupNanos,
                   int[] reference) {
        this.minWarmupNanos = minWarmupNanos;
        this.reference = reference.clone();
        this.kernels = kernels;
        this.threads = kernels.threads();
        this.batch = batch;
        this.steps = steps;
        this.warmup = warmup;
        this.rounds = rounds;
        this.peer = peer;
        List<Setting> cs = new ArrayList<>();
        if (choice != null) for (OpenBlasCore.Other o : choice.others()) cs.add(new Setting(o.env(), threads));
        for (Map<String, String> e : atenEnvs) cs.add(new Setting(e, threads));
        if (threads > 1) {      // each of those on one thread too, and the user's own
            List<Setting> one = new ArrayList<>();
            for (Setting st : cs) one.add(new Setting(st.env(), 1));
            one.add(new Setting(null, 1));
            cs.addAll(one);
        }
        this.candidates = List.copyOf(cs);
        this.progress = progress;
    }

    /** The rows of one case: ours against the peer as the user has it, and at its best when other settings were tried. */
    public List<Row> run(Case c) {
        ProductFlops counter = ProductFlops.counting(kernels);
        new Ours(c.config(), counter.kernels(), batch).step();
        double gflop = counter.flops() / 1e9;
        Ours ours = new Ours(c.config(), kernels, batch);
        Reference sgemm = new Reference(kernels, reference);
        // warm-up: the given steps and at least 4 s, then until the JIT is done with the step (below),
        // each step followed by a reference sample as in the rounds
        warmUp(ours, sgemm);
        boolean withPeer = peer != null && peer.available();
        boolean both = withPeer && !candidates.isEmpty();   // without a peer, one row: there is no second setting to show
        List<Double> mine = new ArrayList<>(), sgemmRates = new ArrayList<>();
        List<TorchPeer.Result> user = new ArrayList<>();
        List<List<TorchPeer.Result>> tried = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) tried.add(new ArrayList<>());
        List<Double> roundMedians = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            // each round starts with the untimed steps each of the peer's runs starts with: the peer's
            // processes have just had both cores and the caches, and our helper thread has parked
            if (r > 0) ours.steps(warmup, null);
            // a reference sample after every step: on a busy machine both see the same moments
            List<Double> round = new ArrayList<>();
            for (int i = 0; i < steps; i++) {
                ours.steps(1, round);
                sgemm.samples(1, sgemmRates);
            }
            mine.addAll(round);
            roundMedians.add(median(round));
            if (!withPeer) continue;
            peer.run(c.variant(), c.k(), c.z(), c.hidden(), batch, threads, steps, warmup, null, progress).ifPresent(user::add);
            for (int i = 0; i < candidates.size(); i++) {
                Setting st = candidates.get(i);
                peer.run(c.variant(), c.k(), c.z(), c.hidden(), batch, st.threads(), steps, warmup, st.env(), progress)
                        .ifPresent(tried.get(i)::add);
            }
        }
        progress.println(String.format(Locale.ROOT, "ours for %s z=%d, median ms per step by round: %s", c.variant(), c.z(),
                String.join(" / ", roundMedians.stream().map(m -> String.format(Locale.ROOT, "%.2f", m)).toList())));
        double ms = median(mine), rate = median(sgemmRates);
        List<Row> rows = new ArrayList<>();
        if (both) rows.add(row(c, ms, fastest(c, user, tried), "best", gflop, rate));
        rows.add(row(c, ms, user, "user", gflop, rate));
        return rows;
    }

    /** Warm-up windows: two in a row each within this fraction of the one before mean the JIT is done. */
    static final double SETTLED = 0.02;
    static final long WINDOW_NANOS = 500_000_000L, MAX_WARMUP_NANOS = 30_000_000_000L;

    /**
     * Steps ours until it runs as it will: at least {@code warmup} steps and {@code minWarmupNanos},
     * then on in windows of half a second until two windows in a row are each no more than
     * {@link #SETTLED} faster than the window before ({@link #settled}; one such window can be a
     * busy moment's) and the JIT compiled for at most {@link #QUIET_MILLIS} of the last one
     * ({@link #quiet}: compilations ended in the window, and the compiler threads' CPU time in it,
     * which counts one still running too, {@link CompilerThreads}), 30 s at the most. Each step is
     * followed by a sample of the reference product, as in the timed rounds, so that the JIT has
     * seen the rounds' mix of calls before they start: with the reference sampled only after the
     * warm-up, -XX:+PrintCompilation showed
     * C2's code for `Sgemm.product`, `kBlock` and `aBlock` made not entrant (uncommon traps) 8.6
     * and 10.0 s into two runs, in the timed rounds, and recompiled.
     * Why not a fixed time: the JIT compiles the step for seconds after its first one. A fresh JVM's
     * mixture z=10 step (median of each second from the first step, two threads): 1,888 / 561 / 536 /
     * 28 / 11.5 / 6.2 / 5.8 / 5.6 / 5.8 ms; with the 4 s minimum alone the first round was timed
     * while that fell, at 9.4-16.8 ms against 4.7-5.4 in the rounds after it.
     */
    private void warmUp(Ours ours, Reference sgemm) {
        long start = System.nanoTime(), until = start + minWarmupNanos;
        for (int i = 0; i < warmup || System.nanoTime() < until; i++) {
            ours.steps(1, null);
            sgemm.samples(1, null);
        }
        if (minWarmupNanos == 0) return;    // tests of the plumbing
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        List<Double> windows = new ArrayList<>();
        boolean quiet;
        do {
            List<Double> t = new ArrayList<>();
            long end = System.nanoTime() + WINDOW_NANOS, compiled = jitTimed ? jit.getTotalCompilationTime() : 0;
            long compilerCpu = CompilerThreads.cpuMillis();
            do {
                ours.steps(1, t);
                sgemm.samples(1, null);
            } while (System.nanoTime() < end);
            windows.add(median(t));
            // both: compilations that ended in the window (the MXBean) and the compiler threads' CPU
            // time, which also counts one still running (CompilerThreads)
            quiet = (!jitTimed || quiet(jit.getTotalCompilationTime() - compiled))
                    && (compilerCpu < 0 || quiet(CompilerThreads.cpuMillis() - compilerCpu));
        } while (!(settled(windows) && quiet) && System.nanoTime() - start < MAX_WARMUP_NANOS);
        progress.println(String.format(Locale.ROOT, "ours warmed up for %.1f s (until the step's time settled and the JIT "
                + "compiled for at most %d ms of a %d ms window)", (System.nanoTime() - start) / 1e9, QUIET_MILLIS, WINDOW_NANOS / 1_000_000));
    }

    /**
     * Most milliseconds the JIT may spend compiling in a window that ends the warm-up. Why: the
     * step's time can level off while C2 is still compiling the kernels (its threads share the
     * two cores with ours), and a round timed then ran slow. Measured (`./gmvae bench train
     * --variant mixture --z 10 --rounds 4 --no-peer`, -XX:+PrintCompilation, Zen 5, 2026-12-06):
     * the warm-up ended about 6.5 s in by the step's time alone; C2 compiled `Sgemm.aBlock`,
     * `blocked`, `kBlock` and `product` between 6.4 and 6.9 s, 40-74 compilations a second
     * went on to the end (11.4 s), and the rounds' medians read 4.03 / 8.02 / 4.02 / 3.85 and
     * 7.14 / 4.25 / 4.04 / 4.45 ms in two runs.
     */
    static final long QUIET_MILLIS = 10;

    /** True when a window's compilation time leaves the warm-up free to end (see {@link #QUIET_MILLIS}). */
    static boolean quiet(long compileMillis) {
        return compileMillis <= QUIET_MILLIS;
    }

    /** True when each of the last two windows' medians is no more than {@link #SETTLED} below the one before it. */
    static boolean settled(List<Double> windowMedians) {
        int n = windowMedians.size();
        return n >= 3 && windowMedians.get(n - 1) >= windowMedians.get(n - 2) * (1 - SETTLED)
                && windowMedians.get(n - 2) >= windowMedians.get(n - 3) * (1 - SETTLED);
    }

    /**
     * The runs of the setting with the lowest median step, the user's own included (it may be the
     * best); each setting's median goes to the progress stream, so the ones not kept are seen too.
     */
    private List<TorchPeer.Result> fastest(Case c, List<TorchPeer.Result> user, List<List<TorchPeer.Result>> tried) {
        List<List<TorchPeer.Result>> all = new ArrayList<>();
        all.add(user);
        all.addAll(tried);
        List<TorchPeer.Result> best = List.of();
        double bestMs = Double.POSITIVE_INFINITY;
        StringBuilder seen = new StringBuilder();
        for (List<TorchPeer.Result> runs : all) {
            if (runs.isEmpty()) continue;
            double m = median(runs.stream().map(TorchPeer.Result::ms).toList());
            TorchPeer.Result last = runs.getLast();
            seen.append(seen.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT, "%s, ATen %s%s: %.2f ms",
                    blas(last.blasCore()), last.cpuCapability(),
                    last.threads() == threads ? "" : ", " + threads(last.threads(), last.blasThreads()), m));
            if (m < bestMs) {
                bestMs = m;
                best = runs;
            }
        }
        progress.println("peer settings tried for " + c.variant() + " z=" + c.z() + " (median ms per step): " + seen);
        return best;
    }

    /** Ours against one peer setting; the peer reports a median per run, and over rounds the median of those. */
    private Row row(Case c, double ms, List<TorchPeer.Result> peerRuns, String setting, double gflop, double rate) {
        if (peerRuns.isEmpty()) return new Row(c, batch, threads, ms, null, null, null, null, null, null, null, null, gflop, rate);
        TorchPeer.Result last = peerRuns.getLast();
        return new Row(c, batch, threads, ms, median(peerRuns.stream().map(TorchPeer.Result::ms).toList()),
                last.blasCore(), last.cpuCapability(), setting, last.allocator(), last.threads(), last.blasThreads(), last.device(),
                gflop, rate);
    }

    /** "OpenBLAS SkylakeX", or what a torch without OpenBLAS (MKL's wheels) is labelled with. */
    private static String blas(String openblasCore) {
        return openblasCore == null ? "a BLAS other than OpenBLAS" : "OpenBLAS " + openblasCore;
    }

    private static String threads(int n) { return n + (n == 1 ? " thread" : " threads"); }

    /** "1 thread", or "1 thread (OpenBLAS 2)" where OpenBLAS kept threads of its own. */
    private static String threads(int aten, Integer blas) {
        return threads(aten) + (blas == null || blas == aten ? "" : " (OpenBLAS " + blas + ")");
    }

    /**
     * Our sgemm on the reference product ({@link #REFERENCE} but in tests), on the step's backend and threads. A sample times
     * a few calls (about a millisecond idle), one sample after each timed step, and the rate
     * reported is the median sample, as the step's time is the median step: both sides of the
     * fraction see the same moments of a busy machine.
     */
    static final class Reference {
        private final Kernels kernels;
        private final int m, k, n;
        private final float[] a, b, c;

        /** shape: M, K, N. */
        Reference(Kernels kernels, int[] shape) {
            this.kernels = kernels;
            m = shape[0];
            k = shape[1];
            n = shape[2];
            a = new float[m * k];
            b = new float[k * n];
            c = new float[m * n];
            SplittableRandom rng = new SplittableRandom(5);
            for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextDouble(-1, 1);
            for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextDouble(-1, 1);
        }

        /** Takes {@code count} samples; adds each one's GFLOP/s to {@code rates} (when not null). */
        void samples(int count, List<Double> rates) {
            int calls = 6;
            for (int s = 0; s < count; s++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++)
                    kernels.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
                long dt = System.nanoTime() - t0;
                if (rates != null) rates.add(2.0 * m * n * k * calls / dt);
            }
        }
    }

    /**
     * The batch shards our step runs in on these kernels: the count {@code train} takes by default
     * ({@link TrainOptions#shards} resolved by {@link BatchShards#resolve}), so the step measured is
     * the step it takes; the header says it from here too.
     */
    public static int shardCount(Kernels kernels) {
        return BatchShards.resolve(new TrainOptions().shards, kernels);
    }

    /** Our model, optimiser, batch shards and batch, set up once and stepped repeatedly. */
    static final class Ours {
        final TrainableGmvae model;
        final Adam adam;
        final BatchShards shards;
        final float[] x, eps;
        final int batch, dim;
        final SplittableRandom noise = new SplittableRandom(2);

        Ours(GmvaeConfig cfg, Kernels kernels, int batch) {
            this.model = GmvaeIo.create(cfg, 1);
            this.adam = new Adam(model.params(), 2e-3f, kernels);
            this.shards = new BatchShards(model, kernels, batch, shardCount(kernels));
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

        /** One step as GmvaeTraining takes it: the gradients start at zero (left so by the previous step's Adam). */
        float step() {
            for (int i = 0; i < eps.length; i++) eps[i] = (float) noise.nextGaussian();
            float v = (float) shards.gmvaeStep(x, batch, eps, adam).total();
            if (!Float.isFinite(v)) throw new IllegalStateException("loss became " + v + " during the benchmark");
            return v;
        }
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    public static String line(Row r) {
        return String.format(Locale.ROOT, "%-8s K=%-3d z=%-3d hidden %-9s batch %d  %d thread(s)   ours %8.2f ms   peer %s   ratio %s"
                        + "   products %.3f GFLOP: %.0f GFLOP/s = %.2f of sgemm's %.0f%s",
                r.c().variant(), r.c().k(), r.c().z(), TorchPeer.join(r.c().hidden()), r.batch(), r.threads(), r.ms(),
                r.peerMs() == null ? "     n/a" : String.format(Locale.ROOT, "%8.2f ms", r.peerMs()),
                r.ratio() == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", r.ratio()),
                r.productGflop(), r.stepGflops(), r.sgemmFraction(), r.sgemmGflops(),
                r.peerSetting() == null ? "" : "   (PyTorch on " + (r.peerDevice() == null || r.peerDevice().equals("cpu") ? ""
                        : r.peerDevice() + " (GPU), ") + blas(r.peerKernel()) + ", ATen " + r.peerCapability()
                        + (r.peerAllocator() == null ? "" : ", " + r.peerAllocator()) + ", " + threads(r.peerThreads(), r.peerBlasThreads())
                        + ", " + r.peerSetting() + ")");
    }

    /**
     * The step's floor at the FMA peak ({@link Row#floorMs}), for the end of {@link #line}: "floor
     * F ms (its products at the FMA peak, P GFLOP/s) = R of the peer's time" (R only with a peer);
     * empty without a peak.
     */
    public static String floor(Row r, double fmaPeakGflops) {
        if (!(fmaPeakGflops > 0)) return "";
        return String.format(Locale.ROOT, "   floor %.2f ms (its products at the FMA peak, %.0f GFLOP/s)%s", r.floorMs(fmaPeakGflops),
                fmaPeakGflops, r.peerMs() == null ? "" : String.format(Locale.ROOT, " = %.2f of the peer's time", r.floorMs(fmaPeakGflops) / r.peerMs()));
    }

    /** The rows as JSON array elements. */
    public static String jsonRows(List<Row> rows) {
        return jsonRows(rows, Double.NaN);
    }

    /**
     * The rows as JSON array elements; with an FMA peak ({@link FmaPeak}, GFLOP/s) each also has
     * "floor_ms" ({@link Row#floorMs}) and "floor_ratio", the floor over the peer's time (null
     * without a peer): the lowest ratio to the peer any step with these products could reach.
     */
    public static String jsonRows(List<Row> rows, double fmaPeakGflops) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i > 0) sb.append(',');
            sb.append(String.format(Locale.ROOT,
                    "{\"variant\":\"%s\",\"k\":%d,\"z\":%d,\"hidden\":%s,\"batch\":%d,\"threads\":%d,\"ms_per_step\":%.3f,"
                            + "\"peer_ms_per_step\":%s,\"ratio\":%s,\"peer_kernel\":%s,\"peer_cpu_capability\":%s,"
                            + "\"peer_setting\":%s,\"peer_allocator\":%s,\"peer_threads\":%s,\"peer_blas_threads\":%s,\"peer_device\":%s,\"product_gflop\":%.4f,\"step_gflops\":%.1f,\"sgemm_gflops\":%.1f,"
                            + "\"sgemm_fraction\":%.3f",
                    r.c().variant(), r.c().k(), r.c().z(), Arrays.toString(r.c().hidden()).replace(" ", ""), r.batch(),
                    r.threads(), r.ms(), r.peerMs() == null ? "null" : String.format(Locale.ROOT, "%.3f", r.peerMs()),
                    r.ratio() == null ? "null" : String.format(Locale.ROOT, "%.3f", r.ratio()),
                    JsonText.quote(r.peerKernel()), JsonText.quote(r.peerCapability()), JsonText.quote(r.peerSetting()),
                    JsonText.quote(r.peerAllocator()), r.peerThreads() == null ? "null" : r.peerThreads().toString(),
                    r.peerBlasThreads() == null ? "null" : r.peerBlasThreads().toString(), JsonText.quote(r.peerDevice()),
                    r.productGflop(), r.stepGflops(), r.sgemmGflops(), r.sgemmFraction()));
            if (fmaPeakGflops > 0)
                sb.append(String.format(Locale.ROOT, ",\"floor_ms\":%.3f,\"floor_ratio\":%s", r.floorMs(fmaPeakGflops),
                        r.peerMs() == null ? "null" : String.format(Locale.ROOT, "%.3f", r.floorMs(fmaPeakGflops) / r.peerMs())));
            sb.append('}');
        }
        return sb.append(']').toString();
    }
}

package gmvae4j.benchmarks;

import static gmvae4j.io.JsonText.quote;

import gmvae4j.io.JsonText;
import gmvae4j.kernels.Conv2d;
import gmvae4j.kernels.ConvShape;
import gmvae4j.kernels.Kernels;
import gmvae4j.kernels.VectorKernels;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A quick side-by-side of our kernels and OpenBLAS (the {@code ./gmvae bench kernels} command):
 * plain timing loops, no JMH, a few minutes.
 *
 * <p>Method: each case is warmed up (JIT, caches, pack buffers), then timed in several samples
 * of enough calls to last tens of milliseconds, ours and the peer alternating sample by sample
 * with the same thread count, so a busy spell on a shared machine hits both; the reported
 * figure is the best sample, in GFLOP/s = 2·M·N·K / seconds per call / 1e9.
 *
 * <p>The peer runs on its best kernel: the sgemm rows are measured in this process as the
 * environment has OpenBLAS ({@code peer_setting} "user"), and again, each against our sgemm in its
 * own process, in a child JVM for every other kernel family this CPU runs ({@link OpenBlasCore}:
 * AVX-512 and AVX2; "other"). Then each case gets a row "best": the setting whose peer was
 * fastest on it (which family wins depends on the CPU: AVX-512 on a Zen 5, AVX2 on most rows of a
 * Zen 4). Every row names the kernel the peer ran ({@code openblas_get_corename}).
 *
 * <p>Each row also gives the heap our side allocated per call in its timed samples, all threads
 * counted ({@code alloc_bytes_per_call}): a kernel in steady state should allocate next to
 * nothing, and one that boxes its vectors (C2 compiling a Vector API call it did not inline)
 * shows here first, as hundreds of KB per call, before its time moves beyond the noise.
 *
 * <p>Shapes are written M×K×N: op(A) is M×K, op(B) is K×N (128×784×512 is a batch of 128
 * through a 784→512 layer). Forms: NN = C = A·B, NT = A·Bᵀ, TN = Aᵀ·B, TT = Aᵀ·Bᵀ. For conv2d
 * the peer is our own sgemm on a cube with the same FLOP count, so the ratio says what the
 * convolution keeps of the GEMM speed; its forms are fwd, bwd-input and bwd-weight (the two
 * backward passes have the forward pass's FLOP count; the bias gradient is not counted).
 */
public final class KernelBench {

    /**
     * One measured line. peer* are null when there is no peer (no OpenBLAS); peerKernel is the
     * OpenBLAS core that ran (null for conv, whose peer is ours); peerSetting is "user" (the
     * environment's OPENBLAS_CORETYPE, or OpenBLAS's own detection when unset), "other" (a child
     * run on another kernel family) or "best" (of those, the row whose peer was fastest: see
     * {@link #withBest}). allocPerCall: bytes of heap our side allocated per call
     * in its timed samples, all threads (null where the JVM cannot tell).
     */
    public record Row(String kernel, String shape, String trans, int threads, double gflops,
                      String peer, Double peerGflops, String peerKernel, String peerSetting, Long allocPerCall) {
        public Double ratio() { return peerGflops == null ? null : gflops / peerGflops; }

        /** One tab-separated line, how a child hands its rows to the parent. */
        String toTsv() {
            return String.join("\t", "row", kernel, shape, trans, "" + threads, Double.toString(gflops), nz(peer),
                    peerGflops == null ? "" : Double.toString(peerGflops), nz(peerKernel), nz(peerSetting),
                    allocPerCall == null ? "" : Long.toString(allocPerCall));
        }

        /** The inverse of {@link #toTsv}. */
        static Row fromTsv(String line) {
            String[] f = line.split("\t", -1);
            if (f.length != 11 || !f[0].equals("row")) throw new IllegalArgumentException("not a row line: " + line);
            return new Row(f[1], f[2], f[3], Integer.parseInt(f[4]), Double.parseDouble(f[5]), nul(f[6]),
                    f[7].isEmpty() ? null : Double.parseDouble(f[7]), nul(f[8]), nul(f[9]),
                    f[10].isEmpty() ? null : Long.parseLong(f[10]));
        }

        private static String nz(String s) { return s == null ? "" : s; }
        private static String nul(String s) { return s.isEmpty() ? null : s; }
    }

    /**
     * What to run: thread counts; quick = fewer cases and shorter timings; tiny = one small
     * shape, no conv, a few milliseconds (for tests of the plumbing, not of speed); peerChild =
     * this process is a child that measures the peer on another kernel family (sgemm rows only,
     * no further child); kernel ("sgemm", "conv2d" or null for both) and shape (a piece of the shape
     * column, e.g. "1x28x28" or "1024x", or null for all) keep only the rows that match, to
     * measure one case before and after a change without the whole table.
     */
    /**
     * {@code samples}: timed samples per case, each side (0 = the default: 5, 3 with {@code quick},
     * 1 with {@code tiny}). The best of more samples is steadier on a busy machine: the conv rows of
     * a default run moved by ±0.1 of sgemm between runs of the same build.
     *
     * <p>{@code rounds}: how many times every row is measured, the rounds one after the other (0 =
     * 1); each side's figure is then its best sample over all the rounds ({@link #bestOfRounds}),
     * and round r runs its one-thread rows on the r-th CPU the process may use, cycling
     * ({@link CpuAffinity}). Why: on a shared host one core's caches run slow in spells of seconds to
     * minutes (measured on the 2-core Zen 5, 2026-12-07: a 512³ sgemm pinned to cpu 0 at 142-165
     * GFLOP/s for 5 s to whole 30-s runs while the same program pinned to cpu 1 at the same time ran
     * at 185-195, and an FMA loop on registers ran at full speed on both), and a spell that covers
     * all of a row's samples moves its ratio: there ours lost 15-20%, OpenBLAS 5-10% (one-thread rows
     * of one process 0.93-1.03× where a clean core gives 1.02-1.10×). A one-thread row stays on the
     * core the scheduler gave its thread, so rounds on one core alone can all fall in one spell.
     */
    public record Options(int[] threads, boolean quick, boolean tiny, boolean peerChild, String kernel, String shape,
                          int samples, int rounds) {
        public Options(int[] threads, boolean quick) { this(threads, quick, false, false); }

        public Options(int[] threads, boolean quick, boolean tiny, boolean peerChild) {
            this(threads, quick, tiny, peerChild, null, null, 0, 0);
        }

        public Options(int[] threads, boolean quick, boolean tiny, boolean peerChild, String kernel, String shape, int samples) {
            this(threads, quick, tiny, peerChild, kernel, shape, samples, 0);
        }

        /** The rounds to run: {@code rounds}, or 1 when it is 0. */
        int roundCount() { return Math.max(1, rounds); }

        /** True when a row of this kernel and shape is to be measured. */
        boolean wants(String rowKernel, String rowShape) {
            return (kernel == null || kernel.equals(rowKernel)) && (shape == null || rowShape.contains(shape));
        }

        /** The flags that make a child run the same cases. */
        List<String> childArgs() {
            List<String> a = new ArrayList<>(List.of("--peer-child", "--threads",
                    String.join(",", Arrays.stream(threads).mapToObj(Integer::toString).toList())));
            if (quick) a.add("--quick");
            if (tiny) a.add("--tiny");
            if (kernel != null) a.addAll(List.of("--kernel", kernel));
            if (shape != null) a.addAll(List.of("--shape", shape));
            if (samples > 0) a.addAll(List.of("--samples", Integer.toString(samples)));
            if (rounds > 1) a.addAll(List.of("--rounds", Integer.toString(rounds)));
            return a;
        }
    }

    /**
     * What the peer ran and how, for the JSON header: the user's core type, the other kernel
     * families' (measured or not), and the OpenBLAS config strings of this process and of each
     * child that ran.
     */
    public record PeerInfo(String userCoretype, List<String> otherCoretypes, boolean othersMeasured,
                           String userConfig, List<String> otherConfigs) {
        public PeerInfo {
            otherCoretypes = List.copyOf(otherCoretypes);
            otherConfigs = List.copyOf(otherConfigs);
        }
    }

    static final int[][] MAIN_SHAPES = {{128, 784, 512}, {128, 512, 512}, {512, 512, 512}};
    static final int[][] EXTRA_SHAPES = {{128, 512, 784}, {1024, 1024, 1024}};
    static final int[][] TINY_SHAPES = {{16, 24, 32}};
    static final String[] FORMS = {"NN", "NT", "TN", "TT"};
    /** 3×3 "same" layers, and the {@code --arch conv} model's own two encoder layers (4×4, stride 2). */
    static final ConvShape[] CONVS = {
            new ConvShape(128, 1, 28, 28, 32, 3, 3, 1, 1),
            new ConvShape(128, 32, 14, 14, 64, 3, 3, 1, 1),
            new ConvShape(128, 1, 28, 28, 32, 4, 4, 2, 1),
            new ConvShape(128, 32, 14, 14, 64, 4, 4, 2, 1)};
    static final String[] CONV_PASSES = {"fwd", "bwd-input", "bwd-weight"};

    private final Options opt;
    private final PrintStream progress;
    private final double warmSec, sampleSec;
    private final int samples;
    private PeerInfo peerInfo;
    /** The FMA peak by thread count ({@link FmaPeak}), measured by {@link #run} before each count's rows. */
    private final java.util.TreeMap<Integer, Double> fmaPeak = new java.util.TreeMap<>();
    /** Each conv2d row's memory bound ({@link MemoryFloor}), measured by {@link #run} with the row. */
    private final Map<Row, MemoryFloor.Bound> memoryFloors = new java.util.IdentityHashMap<>();

    /** {@code progress} gets the table header and each row as soon as it is measured. */
    public KernelBench(Options opt, PrintStream progress) {
        this.opt = opt;
        this.progress = progress;
        this.warmSec = opt.tiny ? 0.002 : opt.quick ? 0.1 : 0.25;
        this.sampleSec = opt.tiny ? 0.001 : opt.quick ? 0.03 : 0.06;
        this.samples = opt.samples > 0 ? opt.samples : opt.tiny ? 1 : opt.quick ? 3 : 5;
    }

    /**
     * GFLOP/s of the FMA peak ({@link FmaPeak}) by thread count, as the last {@link #run} measured
     * it (empty in a peer child, which measures only the peer's rows).
     */
    public java.util.SortedMap<Integer, Double> fmaPeak() { return java.util.Collections.unmodifiableSortedMap(fmaPeak); }

    /** The memory bound of each conv2d row of the last {@link #run} ({@link MemoryFloor}), by row. */
    public Map<Row, MemoryFloor.Bound> memoryFloors() { return java.util.Collections.unmodifiableMap(memoryFloors); }

    /** The OpenBLAS settings of the last {@link #run} (null before it). */
    public PeerInfo peerInfo() { return peerInfo; }

    public List<Row> run() {
        boolean blas = OpenBlas.isAvailable();
        OpenBlasCore.Choice choice = OpenBlasCore.forThisMachine(blas ? OpenBlas.coreName() : null);
        return run(choice, this::inChild);
    }

    /**
     * The measurement, with the peer's settings given: {@code child} measures the sgemm rows on
     * each of {@code choice.others()} (a child JVM in {@link #run()}).
     */
    List<Row> run(OpenBlasCore.Choice choice, Function<OpenBlasCore.Other, ChildRun> child) {
        List<Row> rows = new ArrayList<>();
        boolean blas = OpenBlas.isAvailable();
        if (!blas) progress.println("OpenBLAS: " + OpenBlas.unavailableReason());
        String here = blas ? OpenBlas.coreName() : null;
        List<int[]> shapes = new ArrayList<>(Arrays.asList(opt.tiny ? TINY_SHAPES : MAIN_SHAPES));
        if (!opt.quick && !opt.tiny) shapes.addAll(Arrays.asList(EXTRA_SHAPES));
        shapes.removeIf(s -> !opt.wants("sgemm", gemmName(s)));
        List<ConvShape> convShapes = opt.tiny || opt.peerChild ? List.of()
                : Arrays.stream(CONVS).filter(c -> opt.wants("conv2d", convName(c))).toList();
        boolean others = blas && !opt.peerChild && choice.differs() && !shapes.isEmpty();
        List<String> otherConfigs = new ArrayList<>();
        if (!opt.peerChild) {
            if (blas) progress.println("OpenBLAS peer: " + OpenBlas.config() + " (" + choice.yoursLabel() + ")"
                    + (others ? "; its rows are measured on " + String.join(" and ", choice.otherCores())
                    + " too, each in a child process with " + OpenBlasCore.VAR + " set, then yours; the rows marked "
                    + "best are, case by case, the fastest peer of them all" : ""));
            progress.print(header());
        }
        if (others)
            for (OpenBlasCore.Other o : choice.others()) {
                ChildRun c = child.apply(o);
                rows.addAll(c.rows());
                if (c.config() != null) otherConfigs.add(c.config());
            }
        String setting = opt.peerChild ? "other" : "user";
        // JIT warm-up of every path (packing forms, edge tiles, short k, a second k block that adds
        // to C, conv) before anything is timed: a branch first taken mid-measurement costs a
        // deoptimisation and a recompile. Without the deep product (k = 1000: two blocks) the first
        // two-block case, 128x784x512 NN, measured 89-129 GFLOP/s on one thread where NT, TN, TT and a
        // plain loop of the same NN product did 140-175.
        // At every thread count the rows use, and on the rows' own shapes: warmed at one thread only,
        // the paths a two-thread product takes (column chunks, row slabs, the pool's tasks) compiled
        // while the first two-thread rows were sampled (child runs of the 128x784x512 rows on two
        // threads, 2026-12-07: NN 1.02, 1.06, 0.71, 1.13 and 0.95, 1.07, 1.09, 1.11 of OpenBLAS in
        // two sets of four, NT once 0.82; warmed here, 1.05, 1.10, 1.16, 1.14, NT 1.12-1.15).
        for (int t : opt.threads) {
            VectorKernels kt = new VectorKernels(t);
            for (String f : FORMS) {
                warm(gemm(kt, f.charAt(0) == 'T', f.charAt(1) == 'T', 128, 512, 256));
                warm(gemm(kt, f.charAt(0) == 'T', f.charAt(1) == 'T', 64, 128, 1000));
                warm(gemm(kt, f.charAt(0) == 'T', f.charAt(1) == 'T', 37, 45, 9));
            }
            for (int[] s : shapes)
                for (String f : formsOf(s)) warm(gemm(kt, f.charAt(0) == 'T', f.charAt(1) == 'T', s[0], s[2], s[1]));
            for (ConvShape c : convShapes) for (String pass : CONV_PASSES) warm(conv(kt, c, pass));
        }
        int rounds = opt.roundCount();
        // with rounds, the one-thread rows of round r run on the r-th allowed CPU (cycling), ours and
        // the peer alike: a core that runs slow for minutes then holds only some of the rounds
        int[] cpus = rounds > 1 ? CpuAffinity.allowed() : new int[0];
        for (int round = 1; round <= rounds; round++) {
            if (rounds > 1) progress.println((opt.peerChild ? "the peer child's process, round " : "round ") + round + " of " + rounds + ":");
            for (int t : opt.threads) {
                int cpu = cpus.length > 1 && t == 1 ? cpus[(round - 1) % cpus.length] : -1;
                boolean pinned = cpu >= 0 && CpuAffinity.allow(cpu);
                if (pinned) progress.println("one-thread rows of this round on cpu " + cpu);
                try {
                    rows.addAll(measureAt(t, shapes, convShapes, blas, here, setting));
                } finally {
                    if (pinned) CpuAffinity.allow(cpus);
                }
            }
        }
        peerInfo = new PeerInfo(choice.yours(), choice.otherCores(), others, blas ? OpenBlas.config() : null, otherConfigs);
        List<Row> merged = rows;
        if (rounds > 1) {
            merged = bestOfRounds(rows);
            Map<Row, MemoryFloor.Bound> floors = bestFloors(rows, merged, memoryFloors);
            memoryFloors.clear();
            memoryFloors.putAll(floors);
            if (!opt.peerChild) {
                progress.println("best of " + rounds + " rounds (each side's best sample over all of them):");
                progress.print(table(merged));
            }
        }
        if (opt.peerChild || !blas) return merged;
        List<Row> all = withBest(merged);
        if (others) {
            progress.println("the peer at its best, case by case (the fastest of the settings above; ours from the same process):");
            progress.print(table(all.stream().filter(r -> "best".equals(r.peerSetting())).toList()));
        }
        return all;
    }

    /**
     * {@code rows} and, after them, one row "best" per sgemm case (shape, form, threads): a copy of
     * the measured row, "user" or "other", whose peer ran fastest, with our figure from the same
     * process (each process pairs the two sides sample by sample). With the user's setting alone
     * measured, the best rows repeat its rows: a reader of the JSON finds the peer's best under
     * one name on every machine.
     */
    static List<Row> withBest(List<Row> rows) {
        Map<String, Row> best = new java.util.LinkedHashMap<>();
        for (Row r : rows)
            if (r.kernel().equals("sgemm") && r.peerGflops() != null && !"best".equals(r.peerSetting()))
                best.merge(caseKey(r), r, (a, b) -> b.peerGflops() > a.peerGflops() ? b : a);
        List<Row> all = new ArrayList<>(rows);
        for (Row r : best.values())
            all.add(new Row(r.kernel(), r.shape(), r.trans(), r.threads(), r.gflops(), r.peer(), r.peerGflops(),
                    r.peerKernel(), "best", r.allocPerCall()));
        return all;
    }

    /**
     * One round's rows at t threads: the FMA peak (not in a peer child), every sgemm shape
     * and form against the peer (here: the core OpenBLAS runs, setting: "user" or "other"), every
     * conv pass against our sgemm on a cube of the same FLOPs, with its memory floor.
     */
    private List<Row> measureAt(int t, List<int[]> shapes, List<ConvShape> convShapes, boolean blas, String here, String setting) {
        List<Row> rows = new ArrayList<>();
        VectorKernels ours = new VectorKernels(t);
        if (blas) OpenBlas.setThreads(t);
        if (!opt.peerChild && (!shapes.isEmpty() || !convShapes.isEmpty())) {
            double peak = FmaPeak.gflops(t, samples, warmSec, 2 * sampleSec);
            fmaPeak.merge(t, peak, Math::max);
            progress.printf(Locale.ROOT, "%-7s %-26s %-10s %2d   %7.1f   (FMAs on registers only: the ceiling of every row at this thread count)%n",
                    "peak", "fma, " + FmaPeak.ACCUMULATORS + " accumulators", "-", t, peak);
        }
        for (int[] s : shapes) {
            for (String f : formsOf(s)) {
                boolean ta = f.charAt(0) == 'T', tb = f.charAt(1) == 'T';
                Runnable o = gemm(ours, ta, tb, s[0], s[2], s[1]);
                Runnable p = blas ? gemm(null, ta, tb, s[0], s[2], s[1]) : null;
                double[] g = measurePair(o, p, 2.0 * s[0] * s[1] * s[2], 2.0 * s[0] * s[1] * s[2]);
                Row r = new Row("sgemm", gemmName(s), f, t, g[0], blas ? "openblas" : null,
                        blas ? g[1] : null, here, blas ? setting : null, alloc(g[2]));
                emit(r);
                rows.add(r);
            }
        }
        for (ConvShape c : convShapes) {
            int n = (int) Math.round(Math.cbrt(c.flops() / 2.0));
            // the three passes touch the same arrays (x, w, y): one working set, one pair of rates
            MemoryFloor.Rates rates = MemoryFloor.measure(MemoryFloor.traffic(c, "fwd").workingSet(), t, samples, sampleSec);
            for (String pass : CONV_PASSES) {
                double[] g = measurePair(conv(ours, c, pass), gemm(ours, false, false, n, n, n), c.flops(), 2.0 * n * n * n);
                Row r = new Row("conv2d", convName(c), pass, t, g[0], "sgemm " + n + "^3 (ours, same FLOPs)", g[1],
                        null, null, alloc(g[2]));
                MemoryFloor.Bound floor = MemoryFloor.Bound.of(MemoryFloor.traffic(c, pass), rates, c.flops());
                memoryFloors.put(r, floor);
                progress.println(line(r) + "\n        memory floor: " + floor.describe(r.peerGflops(), fmaPeak.get(t)));
                rows.add(r);
            }
        }
        return rows;
    }

    /**
     * The memory floors (of the rows of all the rounds) re-keyed to the merged rows: each merged
     * conv2d row gets the floor of its least disturbed round, the highest bound (from the fastest
     * memory rates measured); rows without a floor get none.
     */
    static Map<Row, MemoryFloor.Bound> bestFloors(List<Row> rounds, List<Row> merged, Map<Row, MemoryFloor.Bound> floors) {
        Map<Row, MemoryFloor.Bound> best = new java.util.IdentityHashMap<>();
        for (Row m : merged)
            for (Row r : rounds) {
                MemoryFloor.Bound f = floors.get(r);
                if (f != null && key(r).equals(key(m)) && (!best.containsKey(m) || f.gflops() > best.get(m).gflops())) best.put(m, f);
            }
        return best;
    }

    /** The forms a shape's rows are measured in: all four for the model's shapes (three with quick), NN for the extra ones. */
    private String[] formsOf(int[] shape) {
        boolean main = opt.tiny || Arrays.stream(MAIN_SHAPES).anyMatch(x -> Arrays.equals(x, shape));
        return main ? (opt.quick ? new String[] {"NN", "NT", "TN"} : FORMS) : new String[] {"NN"};
    }

    /** What makes rows the same case: kernel, shape, form and threads ({@link #withBest} picks one peer per case). */
    private static String caseKey(Row r) {
        return r.kernel() + "|" + r.shape() + "|" + r.trans() + "|" + r.threads();
    }

    /** What makes rows the same measurement over rounds: the case, and the peer's setting and kernel. */
    private static String key(Row r) {
        return caseKey(r) + "|" + r.peerSetting() + "|" + r.peerKernel();
    }

    /**
     * One row per case, in the order the cases were first measured: ours its best GFLOP/s over the
     * rounds, the peer its best, the heap per call the most any round allocated. Each side's best
     * sample, as within one round ({@link #measurePair}); the rounds only spread the samples in time.
     */
    static List<Row> bestOfRounds(List<Row> rows) {
        Map<String, Row> best = new java.util.LinkedHashMap<>();
        for (Row r : rows)
            best.merge(key(r), r, (a, b) -> new Row(a.kernel(), a.shape(), a.trans(), a.threads(),
                    Math.max(a.gflops(), b.gflops()), a.peer(), larger(a.peerGflops(), b.peerGflops()),
                    a.peerKernel(), a.peerSetting(), larger(a.allocPerCall(), b.allocPerCall())));
        return new ArrayList<>(best.values());
    }

    /** The larger of two values either of which may be missing (null); null when both are. */
    private static <T extends Comparable<T>> T larger(T a, T b) {
        return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }

    /** A row as measured: a table line to progress, and in a child also the TSV line on stdout. */
    private void emit(Row r) {
        progress.println(line(r));
        if (opt.peerChild) System.out.println(r.toTsv());
    }

    /** What a child measured on another core type: its rows and its OpenBLAS config string. */
    record ChildRun(List<Row> rows, String config) {}

    /**
     * Runs the sgemm rows in a child JVM whose environment is {@code other.env()}; its table
     * lines are copied to progress as they come. A failed child costs its rows and one line
     * saying why, not the run.
     */
    ChildRun inChild(OpenBlasCore.Other other) {
        List<Row> rows = new ArrayList<>();
        String[] config = {null};
        try {
            Process p = JavaChild.builder(KernelBench.class, opt.childArgs(), other.env()).start();
            Thread copy = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader err = p.errorReader(StandardCharsets.UTF_8)) {
                    for (String l; (l = err.readLine()) != null; )
                        if (!l.startsWith("WARNING: Using incubator modules")) progress.println(l);
                } catch (IOException e) {
                    // the child went away: its exit code tells
                }
            });
            try (BufferedReader out = p.inputReader(StandardCharsets.UTF_8)) {
                for (String l; (l = out.readLine()) != null; ) {
                    if (l.startsWith("row\t")) rows.add(Row.fromTsv(l));
                    else if (l.startsWith("config\t")) config[0] = l.substring(7);
                }
            }
            int rc = p.waitFor();
            copy.join();
            if (rc != 0) progress.println("the peer run on " + other.core() + " failed (exit " + rc + "); its rows are missing");
        } catch (IOException e) {
            progress.println("the peer run on " + other.core() + " could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ChildRun(rows, config[0]);
    }

    static String gemmName(int[] s) {
        return s[0] + "x" + s[1] + "x" + s[2];
    }

    static String convName(ConvShape c) {
        return c.batch() + "x" + c.inC() + "x" + c.inH() + "x" + c.inW() + "->" + c.outC() + "," + c.kH() + "x" + c.kW()
                + ",s" + c.stride() + ",p" + c.pad();
    }

    /** C = op(A)·op(B) (m×n, depth k) on ours (ours != null) or OpenBLAS, on fresh random arrays. */
    private static Runnable gemm(Kernels ours, boolean ta, boolean tb, int m, int n, int k) {
        Random r = new Random(1);
        float[] a = rand(r, m * k), b = rand(r, k * n), c = new float[m * n];
        int lda = ta ? m : k, ldb = tb ? k : n;
        return ours != null
                ? () -> ours.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n)
                : () -> OpenBlas.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
    }

    /**
     * One conv2d pass on fresh random arrays: "fwd" (with bias), "bwd-input" (gx += dL/dx) or
     * "bwd-weight" (gw += dL/dw, no bias gradient: it is not in the FLOP count). The
     * accumulating passes are re-zeroed by nobody: their sums grow, which costs nothing.
     */
    static Runnable conv(Kernels k, ConvShape s, String pass) {
        Random r = new Random(2);
        float[] x = rand(r, s.batch() * s.inC() * s.inH() * s.inW());
        float[] w = rand(r, s.outC() * s.inC() * s.kH() * s.kW()), bias = rand(r, s.outC());
        float[] y = rand(r, s.batch() * s.outC() * s.outH() * s.outW());
        return switch (pass) {
            case "fwd" -> () -> Conv2d.forward(k, s, x, w, bias, y);
            case "bwd-input" -> { float[] gx = new float[x.length]; yield () -> Conv2d.backwardInput(k, s, y, w, gx); }
            case "bwd-weight" -> { float[] gw = new float[w.length]; yield () -> Conv2d.backwardWeight(k, s, x, y, gw, null); }
            default -> throw new IllegalArgumentException("unknown conv pass " + pass);
        };
    }

    /**
     * GFLOP/s of a and of b (b may be null): both warmed up, then timed in alternating samples
     * (a, b, a, b, ...) so that a busy spell on a shared machine hits both; the best sample of
     * each is reported, since noise only ever slows a run down. Third: the heap a allocated per
     * call over its samples (NaN where the JVM cannot tell).
     */
    private double[] measurePair(Runnable a, Runnable b, double flopsA, double flopsB) {
        int innerA = warm(a), innerB = b == null ? 0 : warm(b);
        double bestA = 0, bestB = 0;
        boolean counted = allocatedBytes() >= 0;
        long bytes = 0;
        for (int i = 0; i < samples; i++) {
            // the counter is read around a's samples only: b's (the peer's) allocations are not ours
            long before = allocatedBytes();
            bestA = Math.max(bestA, sample(a, innerA, flopsA));
            bytes += allocatedBytes() - before;
            if (b != null) bestB = Math.max(bestB, sample(b, innerB, flopsB));
        }
        double perCall = counted ? (double) bytes / ((long) innerA * samples) : Double.NaN;
        return new double[] {bestA, b == null ? Double.NaN : bestB, perCall};
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * Heap allocated so far by all threads (the kernels' helper threads too), or −1 where the JVM
     * does not count it. Samples are tens of milliseconds, so the counter's cost does not matter.
     */
    static long allocatedBytes() {
        return THREADS instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()
                && t.isThreadAllocatedMemoryEnabled() ? t.getTotalThreadAllocatedBytes() : -1;
    }

    /** Heap allocated per call of op over calls calls (NaN where the JVM cannot tell). */
    static double allocatedPerCall(Runnable op, int calls) {
        long before = allocatedBytes();
        for (int i = 0; i < calls; i++) op.run();
        long after = allocatedBytes();
        return before < 0 || after < 0 ? Double.NaN : (double) (after - before) / calls;
    }

    private static Long alloc(double perCall) {
        return Double.isNaN(perCall) ? null : Math.round(perCall);
    }

    /** Runs op for the warm-up time; returns how many calls make one sample. */
    private int warm(Runnable op) {
        long t0 = System.nanoTime();
        int calls = 0;
        while (calls < 3 || System.nanoTime() - t0 < warmSec * 1e9) {
            op.run();
            calls++;
        }
        double perCall = (System.nanoTime() - t0) / 1e9 / calls;
        return (int) Math.max(1, Math.ceil(sampleSec / perCall));
    }

    private static double sample(Runnable op, int calls, double flops) {
        long s = System.nanoTime();
        for (int j = 0; j < calls; j++) op.run();
        return flops * calls / ((System.nanoTime() - s) / 1e9) / 1e9;
    }

    private static float[] rand(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() - 0.5f;
        return x;
    }

    // ---------------------------------------------------------------- output

    static String line(Row r) {
        String who = r.peer() == null ? "" : r.peerKernel() == null ? r.peer()
                : r.peer() + " " + r.peerKernel() + ", " + r.peerSetting();
        return String.format(Locale.ROOT, "%-7s %-26s %-10s %2d   %7.1f   %s%s", r.kernel(), r.shape(), r.trans(), r.threads(),
                r.gflops(), r.peer() == null ? "-" : String.format(Locale.ROOT, "%7.1f  %5.2f  (%s)",
                        r.peerGflops(), r.ratio(), who),
                r.allocPerCall() == null ? "" : "  ours allocates " + bytes(r.allocPerCall()) + "/call");
    }

    /** 512 B, 38.2 KB, 2.1 MB. */
    static String bytes(long b) {
        return b < 1024 ? b + " B" : b < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KB", b / 1024.0)
                : String.format(Locale.ROOT, "%.1f MB", b / (1024.0 * 1024));
    }

    static String header() {
        return String.format(Locale.ROOT, "%-7s %-26s %-10s %2s   %7s   %7s  %5s%n", "kernel", "shape (MxKxN)", "form",
                "th", "GFLOP/s", "peer", "ratio");
    }

    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder(header());
        for (Row r : rows) sb.append(line(r)).append('\n');
        return sb.toString();
    }

    /**
     * One JSON object, written by hand: {"backend":..,"openblas":..,"openblas_coretype":{..},
     * "rows":[{...}, ...]}; {@code peer} is {@link #peerInfo()} of the run (may be null).
     */
    public static String json(List<Row> rows, String backend, PeerInfo peer) {
        return json(rows, backend, peer, java.util.Collections.emptySortedMap());
    }

    /**
     * {@link #json(List, String, PeerInfo)} with the FMA peak ({@link #fmaPeak()}): a header field
     * "fma_peak_gflops" {"threads": GFLOP/s}, and in each row of a measured thread count the
     * fractions of it that ours and the peer reached ("of_peak", "peer_of_peak").
     */
    public static String json(List<Row> rows, String backend, PeerInfo peer, java.util.SortedMap<Integer, Double> fmaPeak) {
        return json(rows, backend, peer, fmaPeak, Map.of());
    }

    /**
     * {@link #json(List, String, PeerInfo, java.util.SortedMap)} with each conv2d row's memory bound
     * ({@link #memoryFloors()}): "memory_floor" {"read_bytes", "written_bytes", "read_gbps",
     * "write_gbps", "gflops", "of_peer"} (of_peer: the bound over the peer's GFLOP/s, the most
     * this row's ratio could be).
     */
    public static String json(List<Row> rows, String backend, PeerInfo peer, java.util.SortedMap<Integer, Double> fmaPeak,
                              Map<Row, MemoryFloor.Bound> floors) {
        return json(rows, backend, peer, fmaPeak, floors, 1);
    }

    /** {@link #json(List, String, PeerInfo, java.util.SortedMap, Map)} with "rounds": how many each row's figures are the best over. */
    public static String json(List<Row> rows, String backend, PeerInfo peer, java.util.SortedMap<Integer, Double> fmaPeak,
                              Map<Row, MemoryFloor.Bound> floors, int rounds) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"backend\":").append(quote(backend))
          .append(",\"rounds\":").append(rounds)
          .append(",\"java\":").append(quote(Runtime.version().toString()))
          .append(",\"cpus\":").append(Runtime.getRuntime().availableProcessors())
          .append(",\"cpu\":").append(quote(CpuInfo.describe()))
          .append(",\"os_arch\":").append(quote(System.getProperty("os.arch")))
          .append(",\"openblas\":").append(OpenBlas.isAvailable() ? quote(OpenBlas.path() + " " + OpenBlas.config()) : "null")
          .append(",\"openblas_missing\":").append(OpenBlas.isAvailable() ? "null" : quote(OpenBlas.unavailableReason()));
        if (peer != null)
            sb.append(",\"openblas_coretype\":{\"user\":").append(quote(peer.userCoretype()))
              .append(",\"others\":").append(JsonText.quotedArray(peer.otherCoretypes()))
              .append(",\"others_measured\":").append(peer.othersMeasured())
              .append(",\"user_config\":").append(quote(peer.userConfig()))
              .append(",\"other_configs\":").append(JsonText.quotedArray(peer.otherConfigs())).append('}');
        sb.append(",\"fma_peak_gflops\":{");
        String sep = "";
        for (var e : fmaPeak.entrySet()) {
            sb.append(sep).append('"').append(e.getKey()).append("\":").append(num(e.getValue()));
            sep = ",";
        }
        sb.append('}');
        sb.append(",\"rows\":[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i > 0) sb.append(',');
            sb.append("{\"kernel\":").append(quote(r.kernel()))
              .append(",\"shape\":").append(quote(r.shape()))
              .append(",\"trans\":").append(quote(r.trans()))
              .append(",\"threads\":").append(r.threads())
              .append(",\"gflops\":").append(num(r.gflops()))
              .append(",\"peer\":").append(quote(r.peer()))
              .append(",\"peer_gflops\":").append(r.peerGflops() == null ? "null" : num(r.peerGflops()))
              .append(",\"peer_kernel\":").append(quote(r.peerKernel()))
              .append(",\"peer_setting\":").append(quote(r.peerSetting()))
              .append(",\"ratio\":").append(r.ratio() == null ? "null" : String.format(Locale.ROOT, "%.3f", r.ratio()))
              .append(",\"alloc_bytes_per_call\":").append(r.allocPerCall() == null ? "null" : r.allocPerCall().toString());
            Double peak = fmaPeak.get(r.threads());
            if (peak != null)
                sb.append(",\"of_peak\":").append(String.format(Locale.ROOT, "%.3f", r.gflops() / peak))
                  .append(",\"peer_of_peak\":").append(r.peerGflops() == null ? "null" : String.format(Locale.ROOT, "%.3f", r.peerGflops() / peak));
            MemoryFloor.Bound f = floors.get(r);
            if (f != null)
                sb.append(",\"memory_floor\":{\"read_bytes\":").append(f.traffic().readBytes())
                  .append(",\"written_bytes\":").append(f.traffic().writtenBytes())
                  .append(",\"read_gbps\":").append(num(f.rates().readGBps()))
                  .append(",\"write_gbps\":").append(num(f.rates().writeGBps()))
                  .append(",\"gflops\":").append(num(f.gflops()))
                  .append(",\"of_peer\":").append(r.peerGflops() == null ? "null" : String.format(Locale.ROOT, "%.3f", f.gflops() / r.peerGflops()))
                  .append('}');
            sb.append('}');
        }
        return sb.append("]}").toString();
    }

    private static String num(double d) { return String.format(Locale.ROOT, "%.2f", d); }

    /**
     * {@code java ... gmvae4j.benchmarks.KernelBench [--json] [--quick] [--threads 1,2] [--kernel K]
     * [--shape S] [--samples N]}; with
     * {@code --peer-child} (how {@link #inChild} starts it) stdout gets only "config" and
     * "row" lines, the table goes to stderr.
     */
    public static void main(String[] args) {
        boolean json = false, quick = false, tiny = false, child = false;
        String kernel = null, shape = null;
        int[] threads = {1, 2};
        int samples = 0, rounds = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--quick" -> quick = true;
                case "--tiny" -> tiny = true;
                case "--peer-child" -> child = true;
                case "--kernel" -> kernel = args[++i];
                case "--shape" -> shape = args[++i];
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (child) System.out.println("config\t" + (OpenBlas.isAvailable() ? OpenBlas.config() : ""));
        // the table streams to stdout as rows are measured; with --json (or in a child), to stderr
        KernelBench b = new KernelBench(new Options(threads, quick, tiny, child, kernel, shape, samples, rounds), json || child ? System.err : System.out);
        List<Row> rows = b.run();
        if (json) System.out.println(json(rows, new VectorKernels(1).name(), b.peerInfo(), b.fmaPeak(), b.memoryFloors(),
                b.opt.roundCount()));
    }
}

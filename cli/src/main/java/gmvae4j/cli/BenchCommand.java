package gmvae4j.cli;

import gmvae4j.benchmarks.CpuInfo;
import gmvae4j.benchmarks.CudaSgemmBench;
import gmvae4j.benchmarks.KernelBench;
import gmvae4j.io.TerminalText;
import gmvae4j.kernels.Backends;
import gmvae4j.kernels.cuda.CudaBackend;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code gmvae bench TARGET [flags]}: quick performance checks. Each target is a {@link Target};
 * add one (e.g. {@code train}) by putting it in {@link #targets()}.
 */
final class BenchCommand implements Command {

    /** One thing {@code bench} can measure. */
    interface Target {
        String name();
        String summary();
        /** Flag lines for the usage text. */
        String flags();
        int run(Args args) throws Exception;
    }

    static Map<String, Target> targets() {
        Map<String, Target> t = new LinkedHashMap<>();
        for (Target x : List.<Target>of(new KernelsTarget(), new TrainTarget())) t.put(x.name(), x);
        return t;
    }

    @Override public String name() { return "bench"; }

    @Override public String summary() { return "measure the kernels against OpenBLAS, the training step against PyTorch"; }

    @Override public String usage() {
        StringBuilder sb = new StringBuilder("usage: ./gmvae bench TARGET [flags]\n\ntargets:\n");
        for (Target t : targets().values()) {
            sb.append(String.format("  %-10s %s%n", t.name(), t.summary()));
            sb.append(t.flags());
        }
        return sb.toString();
    }

    @Override public int run(Args args) throws Exception {
        Map<String, Target> targets = targets();
        List<String> pos = args.positionals();
        if (pos.isEmpty())
            throw new UserError("bench needs a target (targets: " + String.join(", ", targets.keySet()) + ")");
        Target t = targets.get(pos.get(0));
        if (t == null)
            throw new UserError("unknown bench target '" + pos.get(0) + "' (targets: " + String.join(", ", targets.keySet()) + ")");
        return t.run(args);
    }

    /**
     * True when {@code --backend cuda} was given: then CUDA must load, or the bench stops here,
     * before any measuring, with the reason (exit 2). Main's own check of the flag is not enough
     * where the process-wide backend was chosen before (a test suite's JVM).
     */
    static boolean cudaRequested() {
        if (!Backends.requested().equals("cuda")) return false;
        CudaBackend.Probe p = CudaBackend.probe();
        if (!p.available()) throw new UserError("backend 'cuda' is unavailable: " + p.reason());
        return true;
    }

    /** {@code bench kernels}: our sgemm and conv2d against OpenBLAS, as a table or one JSON object. */
    static final class KernelsTarget implements Target {
        @Override public String name() { return "kernels"; }

        @Override public String summary() {
            return "sgemm (ours vs OpenBLAS on its best kernel, every transpose form) and conv2d passes, in GFLOP/s (a few minutes)";
        }

        @Override public String flags() {
            return """
                         --json           print one JSON object {"rows":[...]} instead of the table
                         --threads LIST   thread counts to measure, e.g. 1,2 (default 1,2)
                         --quick          fewer cases, shorter timings (about 40 s on 2 cores)
                         --kernel K       only the sgemm rows or only the conv2d rows (sgemm|conv2d)
                         --shape S        only the rows whose shape contains S, e.g. 1x28x28 or 1024x
                         --samples N      timed samples per case and side, the best one counts (default 5;
                                          --quick 3); more gives steadier rows on a busy machine
                         --rounds N       measure every row N times, one round after another, and keep each
                                          side's best sample over all of them (default 1): a slow spell of
                                          the host, seconds long, then misses some rounds
                         --backend cuda   then also cuBLAS (4096^3 and the model's products), resident and copied
                    """;
        }

        @Override public int run(Args args) {
            boolean json = args.flag("json");
            boolean quick = args.flag("quick");
            int[] threads = args.intList("threads", new int[] {1, 2});
            String kernel = args.choice("kernel", null, "sgemm", "conv2d"), shape = args.string("shape", null);
            int samples = args.has("samples") ? args.intIn("samples", 0, 1, 1000) : 0;   // 0: the default count
            int rounds = args.intIn("rounds", 1, 1, 100);
            args.finish();
            if (shape != null && shape.isEmpty()) throw new UserError("--shape needs a piece of a shape, e.g. 1x28x28");
            if (args.positionals().size() > 1)
                throw new UserError("bench kernels takes no further arguments, got '" + args.positionals().get(1) + "'");
            if (threads.length == 0) throw new UserError("--threads needs at least one count");
            for (int t : threads)
                if (t < 1 || t > 256) throw new UserError("--threads counts must be between 1 and 256, got " + t);
            boolean cuda = cudaRequested();
            if (!Backends.vectorApiPresent())
                throw new UserError("bench kernels measures the Vector API kernels: run it with ./gmvae, or java "
                        + "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar ...");
            // the table streams to stdout row by row; with --json stdout gets only the JSON object
            java.io.PrintStream progress = json ? System.err : System.out;
            progress.println("bench kernels: " + Backends.get().name() + " on " + TerminalText.safe(CpuInfo.describe())
                    + "; GFLOP/s = 2·M·N·K / time, shape MxKxN, "
                    + "ratio = ours / peer (best of several alternating samples)");
            System.err.println("bench kernels: " + CudaBackend.status(CudaBackend.probe()));
            KernelBench bench = new KernelBench(new KernelBench.Options(threads, quick, false, false, kernel, shape, samples, rounds), progress);
            List<KernelBench.Row> rows = bench.run();
            if (json) System.out.println(KernelBench.json(rows, Backends.get().name(), bench.peerInfo(), bench.fmaPeak(), bench.memoryFloors(), rounds));
            // --backend cuda: cuBLAS too, operands resident on the device and through the backend's copy path
            if (cuda) return CudaSgemmBench.run(progress, System.err);
            return 0;
        }
    }
}

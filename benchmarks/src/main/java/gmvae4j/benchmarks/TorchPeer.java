package gmvae4j.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PyTorch peer of {@code bench train}: runs {@code benchmarks/peers/gmvae_step.py} in a child
 * process with a given configuration and reads the median step time from the one JSON line it prints.
 *
 * <p>Which python: the first of {@code /usr/bin/python3} and {@code python3} (on PATH) that can
 * {@code import torch}; none → the peer is absent and {@link #why()} says so in one line.
 */
public final class TorchPeer {

    private final Path script;
    private final String python;
    private final String why;
    private final String device;

    private TorchPeer(Path script, String python, String why, String device) {
        this.script = script;
        this.python = python;
        this.why = why;
        this.device = device;
    }

    private TorchPeer(Path script, String python, String why) { this(script, python, why, "cpu"); }

    /** A peer run by {@code python} as given, unchecked (tests use a stand-in script). */
    static TorchPeer of(String python, Path script) { return new TorchPeer(script, python, null); }

    /**
     * The same peer with its step on {@code device} (torch's name: "cuda"): the peer of our step
     * when ours runs its products on a GPU, since PyTorch's best on such a machine is its GPU.
     */
    public TorchPeer onDevice(String device) { return new TorchPeer(script, python, why, device); }

    /** The torch device the peer's step runs on ("cpu" unless {@link #onDevice}). */
    public String device() { return device; }

    /** Finds python with torch and the script; check {@link #available()}. */
    public static TorchPeer locate(Path script) {
        if (script == null || !Files.isRegularFile(script))
            return new TorchPeer(null, null, "peer script not found (" + (script == null ? "benchmarks/peers/gmvae_step.py" : script)
                    + "); pass --peer PATH");
        for (String py : List.of("/usr/bin/python3", "python3")) {
            if (py.startsWith("/") && !Files.isExecutable(Path.of(py))) continue;
            try {
                Process p = new ProcessBuilder(py, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return new TorchPeer(script, py, null);
            } catch (IOException e) {
                // not there: try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new TorchPeer(script, null, "no python3 with torch (tried /usr/bin/python3 and python3 on PATH)");
    }

    public boolean available() { return python != null; }

    /** Why the peer is absent (null when available). */
    public String why() { return why; }

    /** The interpreter used. */
    public String python() { return python; }

    /**
     * One run of the peer: its median ms per step, the OpenBLAS core its products ran on
     * ({@code openblas_get_corename} inside the child; null if torch's BLAS is not OpenBLAS) and
     * ATen's own vector kernel set ("AVX2", "AVX512"; null if torch does not say), the malloc it ran
     * on (see the script's best_allocator; null if it does not say), the threads it was given
     * (torch.set_num_threads: ATen's), OpenBLAS's own threads (null if it does not say) and the
     * torch device of the step ("cpu", "cuda:0"; null if the script does not say).
     */
    public record Result(double ms, String blasCore, String cpuCapability, String allocator, int threads, Integer blasThreads,
                         String device) {}

    /**
     * Runs the peer once. {@code env} is the child's whole environment, or null for this
     * process's (how {@link OpenBlasCore} puts the peer on its best kernel). Empty, with the reason
     * printed to {@code err}, when the run failed.
     */
    public Optional<Result> run(String variant, int k, int z, int[] hidden, int batch, int threads, int steps,
                                int warmup, Map<String, String> env, java.io.PrintStream err) {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--variant", variant, "--k", "" + k,
                "--z", "" + z, "--hidden", join(hidden), "--batch", "" + batch, "--threads", "" + threads,
                "--steps", "" + steps, "--warmup", "" + warmup));
        if (!device.equals("cpu")) cmd.addAll(List.of("--device", device));
        try {
            // stderr joins stdout: on failure its last line (the Python exception) is the reason shown
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (env != null) {
                pb.environment().clear();
                pb.environment().putAll(env);
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = Pattern.compile("\"ms_per_step\":\\s*([0-9.eE+-]+)").matcher(out);
            if (p.exitValue() == 0 && m.find())
                return Optional.of(new Result(Double.parseDouble(m.group(1)), field(out, "blas_core"), field(out, "cpu_capability"),
                        field(out, "allocator"), threads, intField(out, "blas_threads"), field(out, "device")));
            String[] lines = out.strip().split("\n");
            err.println("peer failed (exit " + p.exitValue() + "): " + (out.isBlank() ? "no output" : lines[lines.length - 1]));
        } catch (IOException e) {
            err.println("peer failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    /** The string value of "name" in the peer's one-line JSON, or null (absent or null). */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** The integer value of "name" in the peer's JSON, or null (absent or null). */
    static Integer intField(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\\s*(\\d+)").matcher(json);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    static String join(int[] a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.length; i++) sb.append(i > 0 ? "," : "").append(a[i]);
        return sb.toString();
    }
}

package gmvae4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A second JVM like this one (same java, JVM options and class path) running another main class
 * with its own environment: how a peer gets an environment variable that a native library reads
 * only when it loads ({@link OpenBlasCore}).
 */
final class JavaChild {
    private JavaChild() {}

    /** The command line: this JVM's java and options, -cp this class path, then main and args. */
    static List<String> command(Class<?> main, List<String> args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(args);
        return cmd;
    }

    /** A process builder for {@link #command} whose environment is exactly {@code env}. */
    static ProcessBuilder builder(Class<?> main, List<String> args, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(command(main, args));
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb;
    }
}

package gmvae4j.cli;

import gmvae4j.io.TerminalText;
import gmvae4j.kernels.Backends;
import gmvae4j.kernels.Parallel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the fat jar: {@code gmvae COMMAND [flags]}. Dispatches to one {@link Command};
 * a {@link UserError} becomes one line on stderr and exit code 2, anything else exit code 1
 * (with the stack trace only under {@code --debug} or {@code GMVAE_DEBUG=1}).
 */
public final class Main {

    /** Every subcommand, in the order the help lists them. Add new commands here. */
    static List<Command> commands() {
        return List.of(
                new ExperimentCommand(true),
                new TrainCommand(),
                new ExperimentCommand(false),
                new SampleCommand(),
                new ExplainCommand(),
                new ClassifyCommand(),
                new BoundsCommand(),
                new SelectCommand(),
                new LabelCommand(),
                new BenchCommand(),
                new DataCommand(),
                new VersionCommand()
        );
    }

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    public static int run(String[] argv) {
        Map<String, Command> byName = new LinkedHashMap<>();
        for (Command c : commands()) byName.put(c.name(), c);
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            printHelp(byName);
            return argv.length == 0 ? 2 : 0;
        }
        Command cmd = byName.get(argv[0]);
        if (cmd == null) {
            System.err.println("gmvae: unknown command '" + TerminalText.safe(argv[0]) + "' (commands: "
                    + String.join(", ", byName.keySet()) + ")");
            return 2;
        }
        String[] rest = java.util.Arrays.copyOfRange(argv, 1, argv.length);
        boolean debug = "1".equals(System.getenv("GMVAE_DEBUG"));
        for (String a : rest) if (a.equals("--debug")) debug = true;
        rest = java.util.Arrays.stream(rest).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        if (Args.wantsHelp(rest)) {
            System.out.println(cmd.usage());
            return 0;
        }
        try {
            try {
                Parallel.defaultThreads();   // a bad -Dgmvae.threads is the user's to fix, before any work
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            rest = takeBackendFlag(rest);
            return cmd.run(new Args(cmd.name(), rest));
        } catch (UserError e) {
            System.err.println("gmvae " + cmd.name() + ": " + TerminalText.safe(e.getMessage()));
            if (debug) e.printStackTrace();
            return 2;
        } catch (OutOfMemoryError e) {
            System.err.println("gmvae " + cmd.name() + ": out of memory (" + e.getMessage()
                    + "); raise the heap with GMVAE_HEAP=4g ./gmvae ... or java -Xmx4g -jar ...");
            return 1;
        } catch (Exception e) {
            System.err.println("gmvae " + cmd.name() + ": " + e.getClass().getSimpleName() + ": " + TerminalText.safe(e.getMessage()));
            if (debug) e.printStackTrace();
            else System.err.println("(run with --debug for the stack trace)");
            return 1;
        }
    }

    /**
     * {@code --backend cpu|cuda|auto} is accepted by every command: it must be decided before
     * the first kernel runs, so it is taken here and handed to {@link Backends} as a property.
     */
    private static String[] takeBackendFlag(String[] args) {
        java.util.List<String> out = new java.util.ArrayList<>();
        boolean seen = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i], value = null;
            if (a.equals("--backend")) {
                if (i + 1 >= args.length) throw new UserError("--backend needs a value: cpu, cuda or auto");
                value = args[++i];
            } else if (a.startsWith("--backend=")) {
                value = a.substring("--backend=".length());
            }
            if (value == null) { out.add(a); continue; }
            if (seen) throw new UserError("--backend is given twice; give it once");
            seen = true;
            if (!java.util.Set.of("cpu", "cuda", "auto", "vector", "scalar").contains(value))
                throw new UserError("--backend must be cpu, cuda or auto, got '" + TerminalText.safe(value) + "'");
            System.setProperty(Backends.PROPERTY, value);
            try {
                Backends.get();
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
        return out.toArray(String[]::new);
    }

    private static void printHelp(Map<String, Command> byName) {
        StringBuilder sb = new StringBuilder();
        sb.append("gmvae — label-efficient image classification with a Gaussian Mixture VAE\n\n");
        sb.append("usage: ./gmvae COMMAND [flags]   (./gmvae COMMAND --help for its flags)\n\ncommands:\n");
        for (Command c : byName.values()) sb.append(String.format("  %-11s %s%n", c.name(), c.summary()));
        System.out.print(sb);
    }
}

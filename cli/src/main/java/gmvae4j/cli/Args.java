package gmvae4j.cli;

import gmvae4j.io.TerminalText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Command-line arguments of one subcommand: {@code --flag value}, {@code --flag=value},
 * bare boolean {@code --flag}, and positionals. Every getter names the flag in its error, and
 * {@link #finish()} rejects flags the command never asked about, so a typo is never silently
 * ignored.
 */
public final class Args {
    private final String command;
    private final Map<String, String> flags = new LinkedHashMap<>();
    private final List<String> positionals = new ArrayList<>();
    private final Set<String> asked = new TreeSet<>();

    public Args(String command, String[] argv) {
        this.command = command;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--") && a.length() > 2) {
                int eq = a.indexOf('=');
                if (eq > 0) {
                    put(a.substring(2, eq), a.substring(eq + 1));
                } else if (takesValue(argv, i)) {
                    put(a.substring(2), argv[++i]);
                } else {
                    put(a.substring(2), "true");
                }
            } else {
                positionals.add(a);
            }
        }
    }

    /** Whether argv[i], a {@code --flag} without {@code =}, takes the next word as its value. */
    private static boolean takesValue(String[] argv, int i) {
        return i + 1 < argv.length && !argv[i + 1].startsWith("--");
    }

    /** A flag given twice is an error: which of the two the user meant is not ours to guess. */
    private void put(String flag, String value) {
        String before = flags.putIfAbsent(flag, value);
        if (before != null)
            throw new UserError("--" + flag + " is given twice ('" + TerminalText.safe(before) + "' and '"
                    + TerminalText.safe(value) + "'); give it once");
    }

    /**
     * Whether the words ask for help: {@code --help} anywhere, or {@code -h} standing on its own.
     * A {@code -h} in a flag's value position ({@code --out -h}) is that flag's value, by the same
     * rule the constructor parses with, so it is never mistaken for a request for help.
     */
    public static boolean wantsHelp(String[] argv) {
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--help")) return true;
            if (a.equals("-h")) return true;
            if (a.startsWith("--") && a.length() > 2 && a.indexOf('=') < 0 && takesValue(argv, i)) i++;   // skip its value
        }
        return false;
    }

    public String command() { return command; }

    public List<String> positionals() { return positionals; }

    public boolean has(String flag) { asked.add(flag); return flags.containsKey(flag); }

    /** A boolean switch: present (or {@code =true}) means true. */
    public boolean flag(String flag) {
        asked.add(flag);
        String v = flags.get(flag);
        if (v == null) return false;
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        // "--json foo": the value was really a positional
        positionals.add(v);
        return true;
    }

    public String string(String flag, String def) {
        asked.add(flag);
        String v = flags.get(flag);
        if (v != null && v.equals("true")) throw new UserError("--" + flag + " needs a value");
        return v == null ? def : v;
    }

    public String required(String flag) {
        String v = string(flag, null);
        if (v == null) throw new UserError("missing required flag --" + flag);
        return v;
    }

    public int integer(String flag, int def) {
        String v = string(flag, null);
        if (v == null) return def;
        try {
            return Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UserError("--" + flag + " expects an integer, got '" + v + "'");
        }
    }

    public int positiveInt(String flag, int def) {
        int v = integer(flag, def);
        if (v <= 0) throw new UserError("--" + flag + " must be positive, got " + v);
        return v;
    }

    /** An integer within [min, max]: every flag that sizes an allocation has a documented upper bound. */
    public int intIn(String flag, int def, int min, int max) {
        int v = integer(flag, def);
        if (v < min || v > max) throw new UserError("--" + flag + " must be in " + min + ".." + max + ", got " + v);
        return v;
    }

    public double number(String flag, double def) {
        String v = string(flag, null);
        if (v == null) return def;
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new UserError("--" + flag + " expects a number, got '" + v + "'");
        }
    }

    public long seed(String flag, long def) {
        String v = string(flag, null);
        if (v == null) return def;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UserError("--" + flag + " expects an integer seed, got '" + v + "'");
        }
    }

    public Path path(String flag, Path def) {
        String v = string(flag, null);
        return v == null ? def : Path.of(v);
    }

    /** One of a fixed set of words. */
    public String choice(String flag, String def, String... allowed) {
        String v = string(flag, def);
        if (v == null) return null;
        for (String a : allowed) if (a.equals(v)) return v;
        throw new UserError("--" + flag + " must be one of " + String.join("|", allowed) + ", got '" + v + "'");
    }

    /** Comma-separated integers, e.g. {@code --components 0,36,73}. */
    public int[] intList(String flag, int[] def) {
        String v = string(flag, null);
        if (v == null) return def;
        String[] parts = v.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UserError("--" + flag + " expects comma-separated integers, got '" + v + "'");
            }
        }
        return out;
    }

    /** Comma-separated numbers, e.g. {@code --fractions 0.001,0.002}. */
    public double[] numberList(String flag, double[] def) {
        String v = string(flag, null);
        if (v == null) return def;
        String[] parts = v.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UserError("--" + flag + " expects comma-separated numbers, got '" + v + "'");
            }
        }
        return out;
    }

    /** Call after reading every flag: unknown flags are an error, not silently ignored. */
    public void finish() {
        for (String f : flags.keySet()) {
            if (!asked.contains(f)) {
                throw new UserError("unknown flag --" + f
                        + (asked.isEmpty() ? "" : " (known: --" + String.join(", --", asked) + ")"));
            }
        }
    }
}

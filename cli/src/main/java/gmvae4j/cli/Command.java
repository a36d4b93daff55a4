package gmvae4j.cli;

/** One {@code gmvae} subcommand. */
public interface Command {
    /** The word after {@code gmvae}, e.g. {@code train}. */
    String name();

    /** One line for the command list. */
    String summary();

    /** The full usage text printed by {@code gmvae NAME --help}. */
    String usage();

    /** Runs the command; returns the process exit code. */
    int run(Args args) throws Exception;
}

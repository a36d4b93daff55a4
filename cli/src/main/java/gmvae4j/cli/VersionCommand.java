package gmvae4j.cli;

import gmvae4j.kernels.Backends;
import gmvae4j.kernels.Kernels;

/** {@code gmvae version}: versions, the JVM and the kernel backend in use. */
final class VersionCommand implements Command {
    @Override public String name() { return "version"; }
    @Override public String summary() { return "print the version, the JVM and the kernel backend in use"; }
    @Override public String usage() { return "usage: ./gmvae version"; }

    @Override public int run(Args args) {
        args.finish();
        Kernels k = Backends.get();
        String v = Main.class.getPackage().getImplementationVersion();
        System.out.println("gmvae4j " + (v == null ? "dev" : v));
        System.out.println("java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        System.out.println("kernels " + k.name() + ", " + k.threads() + " thread(s)");
        System.out.println(gmvae4j.kernels.cuda.CudaBackend.status(gmvae4j.kernels.cuda.CudaBackend.probe()));
        return 0;
    }
}

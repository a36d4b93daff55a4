package gmvae4j.engine.eval;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work started on another thread. */
public final class Futures {
    private Futures() {}

    /**
     * The future's result; what its thread threw is thrown here as it was, not wrapped in an
     * ExecutionException, so that a one-line user error (bad input found by a sweep or a training
     * thread) still reaches the command line as itself.
     */
    public static <T> T join(Future<T> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }
}

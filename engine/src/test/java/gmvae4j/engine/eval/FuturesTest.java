package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class FuturesTest {

    @Test
    void givesTheResultAndRethrowsWhatTheThreadThrewUnwrapped() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            assertEquals(42, Futures.join(pool.submit(() -> 42)));
            IllegalArgumentException bad = new IllegalArgumentException("--data: no such folder");
            assertSame(bad, assertThrows(IllegalArgumentException.class, () -> Futures.join(pool.submit(() -> { throw bad; }))));
            java.io.IOException io = new java.io.IOException("truncated");
            assertSame(io, assertThrows(java.io.IOException.class, () -> Futures.join(pool.submit(() -> { throw io; }))));
            AssertionError err = new AssertionError("broken");
            assertSame(err, assertThrows(AssertionError.class, () -> Futures.join(pool.submit(() -> { throw err; }))));
            // a CompletableFuture, as experiment's second training thread is
            assertSame(bad, assertThrows(IllegalArgumentException.class,
                    () -> Futures.join(CompletableFuture.supplyAsync(() -> { throw bad; }, pool))));
        } finally {
            pool.shutdownNow();
        }
    }
}

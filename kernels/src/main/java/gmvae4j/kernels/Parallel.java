package gmvae4j.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * A fixed team of daemon threads that runs "tasks 0..n-1" regions for the kernels.
 *
 * <p>Why not the common ForkJoinPool: on a 2-core machine its parallelism is 1, and its
 * work-stealing scheduling is more than these regions need. A region here is a flat list of
 * independent tasks; the calling thread works too, so a team of {@code threads} uses
 * {@code threads - 1} helper threads.
 *
 * <p>Determinism is the caller's job and is easy: give every output element to exactly one
 * task, and make what a task computes depend only on its index. Which thread runs a task then
 * never changes a result.
 *
 * <p>Nesting: a kernel called from inside a region (e.g. the sgemm of one image inside a
 * conv2d region over images) runs its own region inline on the current thread, so regions never
 * wait on each other. If another thread already owns the team, a second caller also runs inline
 * instead of queueing.
 *
 * <p>Helpers wait briefly after a region (the next region usually follows within
 * microseconds: one layer after another), first spinning, then yielding, then parked, so an
 * idle team costs no CPU and a busy machine is not made busier.
 */
public final class Parallel {

    /** The most threads {@code -Dgmvae.threads} may ask for. */
    public static final int MAX_THREADS = 256;

    /**
     * Threads used when not told otherwise: {@code -Dgmvae.threads=N}, else every core. A value
     * that is not a whole number in 1..{@value #MAX_THREADS} is an error, never silently replaced
     * by the default (the user asked for something and would not get it).
     *
     * @throws IllegalArgumentException with a one-line reason naming the property and the value
     */
    public static int defaultThreads() {
        String v = System.getProperty("gmvae.threads");
        if (v == null) return Math.max(1, Runtime.getRuntime().availableProcessors());
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX_THREADS)
            throw new IllegalArgumentException("-Dgmvae.threads must be a whole number in 1.." + MAX_THREADS + ", got '" + v + "'");
        return n;
    }

    /*
     * Waiting: ~200 pauses (about 3 µs on this machine), then ~200 yields, then park. Measured on
     * the shared 2-core machine (8 tasks of ~5 µs per region, back to back): 20,000 pauses
     * (~320 µs of busy spinning) made regions 2x slower than running them serially, because the
     * spinning helper took the core from the thread doing the work; with yields the helper
     * steps aside and a region costs the same as serial when only one core is free.
     */
    private static final int SPIN_PAUSE = 200;
    private static final int SPIN_YIELD = 200;
    private static final java.util.concurrent.ConcurrentHashMap<Integer, Parallel> SHARED =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The process-wide team of this size (created on first use; teams are never shut down). */
    public static Parallel shared(int threads) {
        return SHARED.computeIfAbsent(threads, Parallel::new);
    }
    private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);

    private final int threads;
    private final Thread[] helpers;
    private final ReentrantLock owner = new ReentrantLock();
    /** The region being run, or the last one; helpers join whatever they find here. */
    private volatile Region current;

    /**
     * One call of {@link #run}: its own task counter, so a helper that wakes up late and still
     * holds an old region finds it exhausted instead of running the wrong tasks.
     */
    private static final class Region {
        final IntConsumer task;
        final int tasks;
        final Thread caller;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Region(IntConsumer task, int tasks, Thread caller) {
            this.task = task;
            this.tasks = tasks;
            this.caller = caller;
        }

        /** Runs tasks until none are left. */
        void drain() {
            for (int i; (i = next.getAndIncrement()) < tasks; ) {
                try {
                    task.accept(i);
                } catch (Throwable t) {
                    if (failure == null) failure = t;
                }
                if (done.incrementAndGet() == tasks) LockSupport.unpark(caller);
            }
        }
    }

    /** A team of {@code threads} (the caller plus {@code threads - 1} daemon helpers). */
    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            Thread t = new Thread(this::helperLoop, "gmvae-kernels-" + (i + 1));
            t.setDaemon(true);
            helpers[i] = t;
            t.start();
        }
    }

    public int threads() { return threads; }

    /** True on a thread that is running a task of some region (kernels then stay single-threaded). */
    public static boolean insideRegion() { return INSIDE.get()[0]; }

    /**
     * Runs {@code task.accept(i)} once for every i in [0, tasks) and returns when all are done.
     * The first exception thrown by a task is rethrown here (after every task has finished).
     *
     * <p>The caller waits for tasks, not for helpers: a helper the OS has not scheduled yet
     * simply finds nothing left to do when it wakes, so a busy machine never stalls a region on
     * a thread that has no work in it.
     */
    public void run(int tasks, IntConsumer task) {
        if (tasks <= 0) return;
        boolean[] inside = INSIDE.get();
        if (threads == 1 || tasks == 1 || inside[0] || !owner.tryLock()) {
            runInline(tasks, task, inside);
            return;
        }
        try {
            Region r = new Region(task, tasks, Thread.currentThread());
            current = r;
            for (Thread h : helpers) LockSupport.unpark(h);
            inside[0] = true;
            try {
                r.drain();
            } finally {
                inside[0] = false;
            }
            int spins = 0;
            while (r.done.get() < tasks) idle(spins++);
            Throwable f = r.failure;
            if (f != null) {
                if (f instanceof RuntimeException re) throw re;
                if (f instanceof Error e) throw e;
                throw new RuntimeException(f);
            }
        } finally {
            owner.unlock();
        }
    }

    /**
     * One round of waiting: a few pause instructions first (the next region usually comes
     * within microseconds), then yields, which give the core away when other threads want it
     * (a busy spin there slows the thread we are waiting for), then park.
     */
    private void idle(int round) {
        if (round < SPIN_PAUSE) Thread.onSpinWait();
        else if (round < SPIN_PAUSE + SPIN_YIELD) Thread.yield();
        else LockSupport.park(this);
    }

    private static void runInline(int tasks, IntConsumer task, boolean[] inside) {
        boolean was = inside[0];
        inside[0] = true;
        try {
            for (int i = 0; i < tasks; i++) task.accept(i);
        } finally {
            inside[0] = was;
        }
    }

    private void helperLoop() {
        INSIDE.get()[0] = true;
        Region seen = null;
        while (true) {
            int spins = 0;
            Region r;
            while ((r = current) == seen) idle(spins++);
            seen = r;
            r.drain();
        }
    }
}

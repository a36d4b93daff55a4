package gmvae4j.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most heap the process had in use at one moment, for "peak heap X MB of Y MB max".
 *
 * <p>Why not the pools' own peaks: each heap pool (eden, survivor, old) keeps its own peak, and
 * they peak at different moments (eden is full just before a collection, old grows after it), so
 * their sum overstates the peak and can exceed the maximum heap. The whole heap's use only grows
 * between collections, so its peak is reached just before some collection or now: we add up the
 * heap pools' use right before every collection (the JVM's GC notifications say it) and keep the
 * largest, together with the use at the moment of asking.
 */
public final class HeapPeak {
    private static final AtomicLong beforeGcPeak = new AtomicLong();
    private static final Set<String> heapPools = new HashSet<>();
    private static boolean started;

    private HeapPeak() {}

    /** Starts watching collections; call before the work to measure (again: resets the peak). */
    public static synchronized void start() {
        beforeGcPeak.set(0);
        if (started) return;
        started = true;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
            if (p.getType() == MemoryType.HEAP) heapPools.add(p.getName());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(gc instanceof NotificationEmitter emitter)) continue;
            emitter.addNotificationListener((n, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
                var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long used = heapUse(info.getGcInfo().getMemoryUsageBeforeGc());
                beforeGcPeak.accumulateAndGet(used, Math::max);
            }, null, null);
        }
    }

    /** Bytes: the largest whole-heap use seen since {@link #start()} (a GC notice may lag by milliseconds). */
    public static long bytes() {
        long now = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans())
            if (p.getType() == MemoryType.HEAP) now += p.getUsage().getUsed();
        return Math.max(beforeGcPeak.get(), now);
    }

    private static long heapUse(Map<String, MemoryUsage> byPool) {
        long sum = 0;
        for (var e : byPool.entrySet()) if (heapPools.contains(e.getKey())) sum += e.getValue().getUsed();
        return sum;
    }
}

package dev.liaison.bench;

import dev.liaison.store.CrashRounds;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The crash test repeated: N times (default 100) a child JVM writing batches to the embedded store
 * is killed with SIGKILL at a seeded random moment and the store checked after each kill (see
 * CrashRounds), on one data dir, then a last writer runs to its end and the counts must be exact.
 * Run: bench/store/crash.sh [kills] [seed]
 */
public final class CrashBench {

    public static void main(String[] args) throws Exception {
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 15L;
        Path dir = Files.createTempDirectory("liaison-crash-bench");
        CrashRounds.Result r = CrashRounds.run(dir.resolve("data"), seed, kills, 50);
        System.out.printf("kills=%d (during start-up %d) batches-acknowledged=%d failures=0 seconds=%.1f seed=%d dir=%s%n",
                r.kills(), r.killsDuringStartUp(), r.acknowledgedBatches(), r.millis() / 1000.0, seed, dir);
    }
}

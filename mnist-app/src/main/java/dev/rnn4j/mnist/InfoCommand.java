package dev.rnn4j.mnist;

import dev.rnn4j.api.Backend;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Says which backend, device, BLAS, SIMD level, threads and memory are in use. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show backend, device, BLAS/SIMD, threads, memory.")
final class InfoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        Backend backend = Backends.load();
        Runtime runtime = Runtime.getRuntime();
        System.out.println(backend.describe());
        System.out.printf("java: %s %s (%s)%n", System.getProperty("java.vm.name"), System.getProperty("java.version"),
                System.getProperty("os.arch"));
        System.out.printf("cpu cores: %d%n", runtime.availableProcessors());
        System.out.printf("jvm heap: max %d MiB%n", runtime.maxMemory() >> 20);
        return 0;
    }
}

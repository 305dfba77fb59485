package dev.rnn4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** How many threads the CPU backend takes: the setting, its errors, and the default of one per physical core. */
class ThreadSettingTest {
    /** /proc/cpuinfo of {@code sockets} sockets of {@code cores} cores with {@code perCore} hyperthreads each. */
    private static List<String> cpuinfo(int sockets, int cores, int perCore) {
        List<String> lines = new ArrayList<>();
        int processor = 0;
        for (int thread = 0; thread < perCore; thread++) {
            for (int socket = 0; socket < sockets; socket++) {
                for (int core = 0; core < cores; core++) {
                    lines.add("processor\t: " + processor++);
                    lines.add("model name\t: Some CPU");
                    lines.add("physical id\t: " + socket);
                    lines.add("siblings\t: " + cores * perCore);
                    lines.add("core id\t\t: " + core);
                    lines.add("cpu cores\t: " + cores);
                    lines.add("");
                }
            }
        }
        return lines;
    }

    @Test
    void physicalCoresCountDistinctCoresOfEverySocket() {
        assertThat(Nd4jCpuBackend.physicalCores(cpuinfo(1, 2, 1), null)).isEqualTo(2);
        assertThat(Nd4jCpuBackend.physicalCores(cpuinfo(1, 8, 2), null)).isEqualTo(8);
        assertThat(Nd4jCpuBackend.physicalCores(cpuinfo(2, 6, 2), null)).isEqualTo(12);
        assertThat(Nd4jCpuBackend.physicalCores(List.of("processor : 0", "BogoMIPS : 50.00", "processor : 1"), null))
                .as("no core ids (as on some ARM machines)").isZero();
    }

    @Test
    void onlyTheProcessorsTheProcessMayUseCount() {
        // 1 socket of 8 cores with 2 hyperthreads each: processors 0-7 are the cores' first threads, 8-15 the second
        List<String> info = cpuinfo(1, 8, 2);
        assertThat(Nd4jCpuBackend.physicalCores(info, Nd4jCpuBackend.cpuList("0-3"))).isEqualTo(4);
        assertThat(Nd4jCpuBackend.physicalCores(info, Nd4jCpuBackend.cpuList("0,8"))).as("two siblings").isEqualTo(1);
        assertThat(Nd4jCpuBackend.physicalCores(info, Nd4jCpuBackend.cpuList("0-1,9-10 "))).isEqualTo(3);
        assertThat(Nd4jCpuBackend.cpuList("0-2,5").toString()).isEqualTo("{0, 1, 2, 5}");
        assertThat(Nd4jCpuBackend.cpuList("zero")).as("unreadable").isNull();
    }

    @Test
    void theDefaultIsOneThreadPerPhysicalCoreWithinTheAvailableProcessors() {
        assertThat(Nd4jCpuBackend.defaultThreads(2, 2)).isEqualTo(2);
        assertThat(Nd4jCpuBackend.defaultThreads(16, 8)).as("hyperthreads").isEqualTo(8);
        assertThat(Nd4jCpuBackend.defaultThreads(4, 32)).as("a container limited to 4 processors").isEqualTo(4);
        assertThat(Nd4jCpuBackend.defaultThreads(6, 0)).as("cores unknown").isEqualTo(6);
        assertThat(Nd4jCpuBackend.defaultThreads(1, 1)).isEqualTo(1);
        assertThat(Nd4jCpuBackend.defaultThreads(1024, 1024)).isEqualTo(Nd4jCpuBackend.MAX_THREADS);
    }

    @Test
    @ResourceLock("system property rnn4j.threads")
    void theSystemPropertySetsTheCountAndBadValuesAreNamed() {
        String before = System.getProperty(Nd4jCpuBackend.THREADS_PROPERTY);
        try {
            System.setProperty(Nd4jCpuBackend.THREADS_PROPERTY, " 5 ");
            assertThat(Nd4jCpuBackend.threadsSetting()).isEqualTo(5);
            for (String bad : new String[] {"0", "257", "two", "-1", "2.5"}) {
                System.setProperty(Nd4jCpuBackend.THREADS_PROPERTY, bad);
                assertThatThrownBy(Nd4jCpuBackend::threadsSetting).as(bad)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("system property rnn4j.threads: expected a whole number from 1 to 256, found \""
                                + bad + "\"");
            }
            System.clearProperty(Nd4jCpuBackend.THREADS_PROPERTY);
            int physical = Nd4jCpuBackend.physicalCores();
            int available = Runtime.getRuntime().availableProcessors();
            assertThat(Nd4jCpuBackend.threadsSetting())
                    .isEqualTo(physical > 0 ? Math.min(physical, available) : available);
        } finally {
            if (before == null) {
                System.clearProperty(Nd4jCpuBackend.THREADS_PROPERTY);
            } else {
                System.setProperty(Nd4jCpuBackend.THREADS_PROPERTY, before);
            }
        }
    }

    @Test
    void constructorCountsOutsideTheRangeAreErrors() {
        assertThatThrownBy(() -> new Nd4jCpuBackend(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads: expected 0 (the rnn4j.threads setting) or 1 to 256, found -1");
        assertThatThrownBy(() -> new Nd4jCpuBackend(257)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads: expected 0 (the rnn4j.threads setting) or 1 to 256, found 257");
        assertThat(new Nd4jCpuBackend(7).parallelism()).isEqualTo(7);
    }
}

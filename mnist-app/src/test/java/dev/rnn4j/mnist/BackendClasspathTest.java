package dev.rnn4j.mnist;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Module;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4jBackend;

/**
 * The classpath the Maven profile resolved holds exactly one backend: one rnn4j backend module (what {@code Backends}
 * loads) and the jars of one ND4J runtime, the one that module expects. ND4J silently prefers CUDA when both runtimes are
 * present, so a second one would not fail; it would run somewhere else. The enforcer rules in the pom guard the
 * dependency graph; this test looks at what the JVM really got. Nothing here loads a native library.
 */
class BackendClasspathTest {
    private static final String CPU_MODULE = "dev.rnn4j.backend.cpu.CpuBackendModule";
    private static final String CUDA_MODULE = "dev.rnn4j.backend.cuda.CudaBackendModule";
    private static final String CPU_ND4J = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    private static final String CUDA_ND4J = "org.nd4j.linalg.jcublas.JCublasBackend";
    /** ND4J's CPU runtime jars; not nd4j-native-api, which the CUDA runtime uses too. */
    private static final Pattern CPU_JAR = Pattern.compile("nd4j-native(-platform|-preset)?-\\d.*\\.jar");
    private static final Pattern CUDA_JAR = Pattern.compile("nd4j-cuda-.*\\.jar");

    @Test
    void exactlyOneBackendModuleIsRegisteredForServiceLoader() {
        List<String> modules = ServiceLoader.load(Module.class).stream()
                .map(provider -> provider.type().getName())
                .toList();

        assertThat(modules)
                .as("Guice modules registered in META-INF/services/com.google.inject.Module; build with exactly one"
                        + " of the Maven profiles cpu (default) and cuda")
                .hasSize(1)
                .containsAnyOf(CPU_MODULE, CUDA_MODULE);
    }

    @Test
    void exactlyOneNd4jRuntimeIsOnTheClasspathAndItMatchesTheModule() {
        List<String> runtimes = ServiceLoader.load(Nd4jBackend.class).stream()
                .map(provider -> provider.type().getName())
                .toList();
        String module = ServiceLoader.load(Module.class).stream()
                .map(provider -> provider.type().getName())
                .findFirst()
                .orElse("none");
        String expected = Map.of(CPU_MODULE, CPU_ND4J, CUDA_MODULE, CUDA_ND4J).getOrDefault(module, "?");

        assertThat(runtimes)
                .as("ND4J backends registered in META-INF/services/org.nd4j.linalg.factory.Nd4jBackend, with "
                        + module)
                .containsExactly(expected);
    }

    @Test
    void theResolvedJarsBelongToOneNd4jRuntime() {
        List<String> jars = classPath().stream()
                .map(entry -> Path.of(entry).getFileName())
                .filter(name -> name != null)
                .map(Path::toString)
                .toList();
        List<String> cpuJars = jars.stream().filter(name -> CPU_JAR.matcher(name).matches()).toList();
        List<String> cudaJars = jars.stream().filter(name -> CUDA_JAR.matcher(name).matches()).toList();

        assertThat(cpuJars.isEmpty() == cudaJars.isEmpty())
                .as("jars of exactly one ND4J runtime on the test classpath; CPU: " + cpuJars + ", CUDA: " + cudaJars)
                .isFalse();
    }

    /** @return the test classpath: surefire passes it in a property, since its own JVM starts from a manifest jar */
    private static List<String> classPath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(path.split(Pattern.quote(File.pathSeparator)))
                .filter(entry -> !entry.isBlank())
                .toList();
    }
}

package dev.rnn4j.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import dev.rnn4j.api.Backend;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class CudaBackendModuleTest {

    @Test
    void bindsTheCudaBackendAsASingletonWithoutTouchingTheDevice() {
        // Creating the injector and the backend must work without a GPU: the module only binds.
        Injector injector = Guice.createInjector(new CudaBackendModule());

        Backend backend = injector.getInstance(Backend.class);

        assertThat(backend).isInstanceOf(Nd4jCudaBackend.class);
        assertThat(injector.getInstance(Backend.class)).isSameAs(backend);
        assertThat(backend.name()).isEqualTo("cuda");
    }

    @Test
    void isTheGuiceModuleServiceLoaderFinds() {
        List<String> modules = ServiceLoader.load(Module.class).stream()
                .map(provider -> provider.type().getName())
                .toList();

        assertThat(modules).containsExactly(CudaBackendModule.class.getName());
    }
}

package dev.rnn4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The backend's thread team: every share runs once on its own thread, failures come back, the team stays usable. */
class WorkerTeamTest {
    private final WorkerTeam team = new WorkerTeam(4);

    @Test
    void everyShareRunsOnceOnItsOwnThreadWithShareZeroOnTheCaller() {
        for (int shares = 1; shares <= 4; shares++) {
            AtomicIntegerArray runs = new AtomicIntegerArray(4);
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            Thread[] shareZero = new Thread[1];
            team.run(shares, i -> {
                runs.incrementAndGet(i);
                threads.add(Thread.currentThread());
                if (i == 0) {
                    shareZero[0] = Thread.currentThread();
                }
            });
            for (int i = 0; i < 4; i++) {
                assertThat(runs.get(i)).as("runs of share %d of %d", i, shares).isEqualTo(i < shares ? 1 : 0);
            }
            assertThat(threads).as("threads for %d shares", shares).hasSize(shares);
            assertThat(shareZero[0]).isSameAs(Thread.currentThread());
        }
    }

    @Test
    void theLowestFailingShareIsRethrownAfterAllEndedAndTheTeamStaysUsable() {
        AtomicIntegerArray finished = new AtomicIntegerArray(4);
        assertThatThrownBy(() -> team.run(4, i -> {
            if (i == 2 || i == 3) {
                throw new IllegalStateException("share " + i);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            finished.incrementAndGet(i);
        })).isInstanceOf(IllegalStateException.class).hasMessage("share 2");
        assertThat(finished.get(0)).isEqualTo(1);
        assertThat(finished.get(1)).isEqualTo(1);

        assertThatThrownBy(() -> team.run(2, i -> {
            throw new AssertionError("share " + i);
        })).isInstanceOf(AssertionError.class).hasMessage("share 0");

        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        team.run(4, runs::incrementAndGet);
        assertThat(runs.toString()).isEqualTo("[1, 1, 1, 1]");
    }

    @Test
    void sharesOutsideTheTeamAndTeamsOfOneAreErrors() {
        assertThat(team.size()).isEqualTo(4);
        assertThatThrownBy(() -> team.run(5, i -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("shares: expected 1 to 4, found 5");
        assertThatThrownBy(() -> team.run(0, i -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("shares: expected 1 to 4, found 0");
        assertThatThrownBy(() -> new WorkerTeam(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads: expected at least 2 for a team, found 1");
    }

    @Test
    void runEachSpreadsItemsOverTheTeamOnceEach() {
        for (int items : new int[] {1, 3, 4, 9}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(items);
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            team.runEach(items, i -> {
                runs.incrementAndGet(i);
                threads.add(Thread.currentThread());
            });
            for (int i = 0; i < items; i++) {
                assertThat(runs.get(i)).as("runs of item %d of %d", i, items).isEqualTo(1);
            }
            assertThat(threads).as("threads for %d items", items).hasSize(Math.min(items, 4));
        }
    }

    @Test
    void helpersWakeAfterParking() throws InterruptedException {
        team.run(4, i -> { });
        Thread.sleep(120);
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        team.run(4, runs::incrementAndGet);
        assertThat(runs.toString()).isEqualTo("[1, 1, 1, 1]");
    }
}

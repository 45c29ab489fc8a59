package dev.molt.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import dev.molt.api.Pid;
import dev.molt.api.UpgradeOptions;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.upgrade.CodeHost;

/** An aborted canary, without a framework: its new version never serves, not even while it is removed. */
public class CanaryAbortTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    MoltRuntime rt;

    @Before
    public void start() {
        rt = new MoltRuntime(RuntimeSettings.defaults().withWorkers(2));
    }

    @After
    public void stop() {
        rt.shutdown();
    }

    /**
     * A spawn while the aborted version is being retired (a supervisor restarting the canary child whose
     * crash caused the abort, say) starts on the old version. Fails when the line is unpinned before the
     * new version is gone: the spawn then starts on the version being removed.
     */
    @Test
    public void aSpawnWhileTheAbortedVersionIsRetiredStartsOnTheOldVersion() throws Exception {
        rt.register("echo", "1.0.0", new Echo("v1"));
        List<Pid> pids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pids.add(rt.spawn("echo", null));
        }
        rt.register("echo", "2.0.0", new Echo("v2"));
        List<String> spawnedOn = new ArrayList<>();
        CodeHost plain = CodeHost.none(rt::unregister);
        rt.host(new CodeHost() {
            @Override
            public Jar read(String location) {
                return plain.read(location);
            }

            @Override
            public void discard(Jar jar) {
                plain.discard(jar);
            }

            @Override
            public String symbolicName(BehaviourVersion v) {
                return plain.symbolicName(v);
            }

            @Override
            public void update(BehaviourVersion v, Jar jar) {
                plain.update(v, jar);
            }

            @Override
            public void installBeside(BehaviourVersion v, Jar jar) {
                plain.installBeside(v, jar);
            }

            @Override
            public void retire(BehaviourVersion v) {
                Pid late = rt.spawn("echo", null);
                spawnedOn.add(rt.info(late).orElseThrow().version());
                plain.retire(v);
            }

            @Override
            public void rollback(BehaviourVersion current, String version) {
                plain.rollback(current, version);
            }
        });
        rt.roll("echo", "1.0.0", "2.0.0", UpgradeOptions.canary("2"));
        assertTrue(rt.inProgress("echo").isPresent());
        long onNew = pids.stream().filter(p -> "v2 2.0.0".equals(rt.call(p, "version", WAIT))).count();
        assertEquals(2, onNew);
        rt.abort("echo");
        assertEquals(List.of("1.0.0"), spawnedOn);
        for (Pid p : pids) {
            assertEquals("v1 1.0.0", rt.call(p, "version", WAIT));
        }
        assertTrue(rt.inProgress("echo").isEmpty());
    }
}

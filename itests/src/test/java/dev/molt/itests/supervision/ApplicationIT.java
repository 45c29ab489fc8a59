package dev.molt.itests.supervision;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import dev.molt.api.Application;
import dev.molt.api.Pid;
import dev.molt.api.ProcessStatus;
import dev.molt.itests.supervision.app.RoomApp;
import dev.molt.testkit.TestBundles;

/**
 * A bundle-declared application ({@code Molt-Application}) through its bundle's life: started at the
 * first start, kept across an update (zero restarts, its own behaviour upgraded), kept while the
 * bundle is stopped (the room's mailbox queues) and started again, stopped last-first at uninstall.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ApplicationIT extends SupervisionTestSupport {

    @Configuration
    public Option[] config() {
        return options(supervisionBundles());
    }

    private static TestBundles.Spec app(String version) {
        return TestBundles.bundle("fixture.rooms", version).addPackageOf(RoomApp.class)
                .header(Application.HEADER, "rooms; class=" + RoomApp.class.getName());
    }

    @Test
    public void anApplicationIsKeptAcrossUpdateAndStopAndStoppedInReverseOrderAtUninstall() throws Exception {
        Bundle bundle = app("1.0.0").install(context);
        bundle.start();
        await("application rooms to start", () -> runtime.whereis("rooms").isPresent() && pids(runtime.whereis("rooms").get()).size() == 3);
        Pid root = runtime.whereis("rooms").orElseThrow();
        assertEquals(List.of("start:w1", "start:room", "start:w2"), journalWords(3));
        Map<String, Pid> kids = pids(root);
        Pid room = kids.get("room");
        assertEquals(room, runtime.whereis("the-room").orElseThrow());

        // Update: the tree is kept; the room moves to the new code.
        bundle.update(new ByteArrayInputStream(app("1.1.0").build()));
        awaitBehaviour("app.room", "1.1.0");
        assertEquals("1.1.0", runtime.info(room).orElseThrow().version());
        assertEquals(root, runtime.whereis("rooms").orElseThrow());
        assertEquals(kids, pids(root));

        // Stop: kept, the room waits with its mailbox queueing; start: it handles what queued.
        bundle.stop();
        awaitStatus(room, ProcessStatus.SUSPENDED);
        for (int i = 0; i < 5; i++) {
            runtime.send(room, "hello");
        }
        assertEquals(5, runtime.info(room).orElseThrow().mailboxDepth());
        bundle.start();
        assertEquals(5L, call(room, "get"));
        assertEquals(root, runtime.whereis("rooms").orElseThrow());
        assertEquals(kids, pids(root));
        assertEquals(List.of(), journal()); // nothing started or stopped meanwhile

        // Uninstall: the children end last-first, then the root.
        List<Pid> ended = Collections.synchronizedList(new ArrayList<>());
        for (Pid p : List.of(kids.get("w1"), room, kids.get("w2"), root)) {
            runtime.watch(p).thenRun(() -> ended.add(p));
        }
        bundle.uninstall();
        await("the tree to end", () -> ended.size() == 4);
        assertEquals(List.of(kids.get("w2"), room, kids.get("w1"), root), ended);
        // terminate ran for the workers, whose code is loaded; the room's own code left with its bundle.
        assertEquals(List.of("stop:w2", "stop:w1"), journalWords(2));
        assertTrue(runtime.whereis("rooms").isEmpty());
    }

    @Test
    public void aNewRevisionOfTheSupervisionBundleAdoptsARunningApplication() throws Exception {
        Bundle bundle = app("1.0.0").install(context);
        bundle.start();
        await("application rooms to start", () -> runtime.whereis("rooms").isPresent() && pids(runtime.whereis("rooms").get()).size() == 3);
        journalWords(3);
        Pid root = runtime.whereis("rooms").orElseThrow();
        Bundle supervision = installedBundle("dev.molt.supervision");
        supervision.stop();
        supervision.start();
        awaitBehaviour("molt.supervisor", supervision.getVersion().toString());
        // The extender came back and found the tree by its name: no second tree, nothing restarted.
        assertEquals(root, runtime.whereis("rooms").orElseThrow());
        assertEquals(3, pids(root).size());
        assertEquals(List.of(), journal());
        bundle.uninstall();
        await("the tree to end", () -> runtime.whereis("rooms").isEmpty());
    }
}

package dev.molt.itests.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.time.Duration;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.util.tracker.ServiceTracker;

import dev.molt.api.ChildSpec;
import dev.molt.api.Pid;
import dev.molt.api.SupervisorSpec;
import dev.molt.api.Supervisors;
import dev.molt.itests.supervision.fixture.Worker;
import dev.molt.testkit.MoltOptions;
import dev.molt.testkit.TestBundles;

/**
 * {@code proc:tree}, {@code proc:sup} and {@code proc:groups} through a real Gogo session: the walk
 * the README shows (a tree, a crash, its restart, an upgrade under the tree), and every bad input as
 * one line that changes nothing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SupervisionShellIT extends ShellTestSupport {

    @Configuration
    public Option[] config() {
        return options(shellBundles(false), MoltOptions.supervision(), MoltOptions.bundleBuilder());
    }

    private static final String SUP_USAGE = "proc:sup <which-children|start-child|restart-child|terminate-child|delete-child>"
            + " <supervisor> [child|arg] [behaviour [arg]]";

    private Bundle fixtureBundle;

    @org.junit.After
    public void uninstallFixture() throws Exception {
        for (var p : runtime.processes()) {
            runtime.kill(p.pid(), "end of test");
        }
        await("every process to end", () -> runtime.processes().isEmpty());
        if (fixtureBundle != null) {
            fixtureBundle.uninstall();
        }
    }

    private Supervisors supervisors() throws InterruptedException {
        ServiceTracker<Supervisors, Supervisors> t = new ServiceTracker<>(context, Supervisors.class, null);
        t.open();
        try {
            Supervisors s = t.waitForService(WAIT.toMillis());
            if (s == null) {
                throw new AssertionError("no Supervisors service");
            }
            return s;
        } finally {
            t.close();
        }
    }

    private static TestBundles.Spec fixture(String version) {
        return TestBundles.bundle("fixture.supervision", version).addPackageOf(Worker.class);
    }

    @Test
    public void aTreeACrashItsRestartAndAnUpgradeUnderTheTree() throws Exception {
        Bundle b = fixture("1.0.0").install(context);
        fixtureBundle = b;
        b.start();
        awaitBehaviour("sup.worker", "1.0.0");
        Supervisors sup = supervisors();
        Pid root = sup.start("shop", new SupervisorSpec(SupervisorSpec.Strategy.ONE_FOR_ONE, 3, Duration.ofSeconds(5), List.of(
                ChildSpec.worker("cart", "sup.worker", "cart").withName("cart"),
                ChildSpec.supervisor("orders", SupervisorSpec.simpleOneForOne(ChildSpec.worker("order", "sup.worker", "o")
                        .withRestart(ChildSpec.Restart.TRANSIENT))))));
        String v = installedBundle("dev.molt.supervision").getVersion().toString();
        Pid orders = sup.whichChildren("shop").get(1).pid();
        String o1 = shell.ok("proc:sup start-child " + orders.id() + " o1").strip();
        Pid cart = runtime.whereis("cart").orElseThrow();
        assertEquals(root.id() + " shop molt.supervisor " + v + " restarts=0\n"
                + "|-- " + cart.id() + " cart sup.worker 1.0.0 restarts=0\n"
                + "`-- " + orders.id() + " orders molt.supervisor " + v + " restarts=0\n"
                + "    `-- " + o1 + " order-1 sup.worker 1.0.0 restarts=0\n", shell.ok("proc:tree"));

        log.expect("dev.molt.runtime: process <?\\d+>? of sup.worker ended");
        shell.ok("proc:send cart crash");
        await("cart to be restarted", () -> runtime.whereis("cart").filter(p -> !p.equals(cart)).isPresent());
        Pid cart2 = runtime.whereis("cart").orElseThrow();
        String children = shell.ok("proc:sup which-children shop");
        assertTrue(children, children.startsWith("ID      PID  BEHAVIOUR        RESTART    SHUTDOWN  RESTARTS\n"));
        assertTrue(children, children.contains("\ncart   " + String.format("%4s", cart2.id()) + "  sup.worker       permanent  5000 ms          1\n"));
        assertTrue(children, children.contains("\norders " + String.format("%4s", orders.id()) + "  molt.supervisor  permanent  infinity         0\n"));

        b.update(new java.io.ByteArrayInputStream(fixture("1.1.0").build()));
        awaitBehaviour("sup.worker", "1.1.0");
        String tree = shell.ok("proc:tree");
        assertTrue(tree, tree.contains("|-- " + cart2.id() + " cart sup.worker 1.1.0 restarts=1\n"));
        assertTrue(tree, tree.contains("    `-- " + o1 + " order-1 sup.worker 1.1.0 restarts=0\n"));

        shell.ok("proc:sup terminate-child shop cart");
        assertTrue(shell.ok("proc:tree"), shell.ok("proc:tree").contains("|-- - cart sup.worker - restarts=1"));
        String again = shell.ok("proc:sup restart-child shop cart").strip();
        assertEquals(runtime.whereis("cart").orElseThrow().id(), Long.parseLong(again));
        String added = shell.ok("proc:sup start-child shop extra sup.worker x").strip();
        assertEquals(Long.parseLong(added), sup.whichChildren("shop").get(2).pid().id());

        runtime.join("shoppers", cart2.equals(runtime.whereis("cart").get()) ? cart2 : runtime.whereis("cart").get());
        runtime.join("shoppers", root);
        String groups = shell.ok("proc:groups");
        assertTrue(groups, groups.startsWith("GROUP     COUNT  MEMBERS\nshoppers      2  "));
        String members = shell.ok("proc:groups shoppers");
        assertTrue(members, members.contains(" cart ") && members.contains(" shop "));
    }

    @Test
    public void badInputIsOneLineAndChangesNothing() throws Exception {
        Bundle b = fixture("1.0.0").install(context);
        fixtureBundle = b;
        b.start();
        awaitBehaviour("sup.worker", "1.0.0");
        Pid s = supervisors().start("errs", SupervisorSpec.oneForOne(ChildSpec.worker("a", "sup.worker", "a")));
        Pid a = supervisors().whichChildren("errs").get(0).pid();
        int before = runtime.processes().size();
        assertEquals("error: unknown action 'restart': use which-children, start-child, restart-child, terminate-child or"
                + " delete-child; usage: " + SUP_USAGE, shell.error("proc:sup restart errs"));
        assertEquals("error: missing argument: " + SUP_USAGE, shell.error("proc:sup which-children"));
        assertEquals("error: missing argument: proc:sup restart-child <supervisor> <child>", shell.error("proc:sup restart-child errs"));
        assertEquals("error: too many arguments: proc:sup which-children <supervisor>", shell.error("proc:sup which-children errs x"));
        assertTrue(shell.error("proc:sup which-children nobody").startsWith("error: no live process is named 'nobody'"));
        assertTrue(shell.error("proc:sup which-children " + a.id()).contains("is not a supervisor (it runs sup.worker)"));
        assertTrue(shell.error("proc:sup terminate-child errs zz").contains("has no child 'zz'; its children: a"));
        assertTrue(shell.error("proc:sup restart-child errs a").contains("is running as process " + a.id()));
        assertTrue(shell.error("proc:sup start-child errs a sup.worker").contains("has a child 'a' already"));
        assertTrue(shell.error("proc:sup start-child errs 'b c' sup.worker").contains("a child id is letters, digits"));
        assertTrue(shell.error("proc:groups nogroup").startsWith("error: no group 'nogroup' has members"));
        assertEquals("error: too many arguments: proc:tree", shell.error("proc:tree x"));
        assertEquals(before, runtime.processes().size());
        assertEquals(a, supervisors().whichChildren("errs").get(0).pid());
        runtime.stop(s);
    }
}

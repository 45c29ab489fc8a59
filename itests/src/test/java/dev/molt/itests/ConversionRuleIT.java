package dev.molt.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayInputStream;
import java.lang.ref.WeakReference;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

import dev.molt.api.Pid;
import dev.molt.itests.fixtures.account.Account;
import dev.molt.itests.fixtures.protocol.Deposit;
import dev.molt.itests.fixtures.relay.Relay;
import dev.molt.testkit.MoltOptions;
import dev.molt.testkit.TestBundles;

/**
 * The conversion rule (DESIGN.md; issue 10 item 1, issue 9 item 4): a process never receives a
 * message, nor holds a state, with an object of a class its code does not see as the same. The
 * bundles are built here from the test's fixture packages ({@link TestBundles}): a protocol bundle
 * exporting {@code Deposit}, an account behaviour importing it, and a relay behaviour in three
 * versions side by side.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ConversionRuleIT extends MoltTestSupport {

    static final String PROTOCOL = "fixture.protocol";
    static final int PROCESSES = 100;
    static final int PER_PROCESS = 20;

    @Configuration
    public Option[] config() {
        return options(runtimeBundles(false), MoltOptions.bundleBuilder());
    }

    private Bundle protocol(String version) throws Exception {
        return TestBundles.bundle(PROTOCOL, version).addPackageOf(Deposit.class)
                .header("-exportcontents", Deposit.class.getPackageName() + ";version=" + version).install(context);
    }

    private static byte[] protocolJar(String version) {
        return TestBundles.bundle(PROTOCOL, version).addPackageOf(Deposit.class)
                .header("-exportcontents", Deposit.class.getPackageName() + ";version=" + version).build();
    }

    /** A Deposit of the class {@code protocol} defines (what a sender wired to it would make). */
    private static Object deposit(Bundle protocol, String sender, long seq, long amount) throws Exception {
        Class<?> c = protocol.loadClass(Deposit.class.getName());
        Constructor<?> ctor = c.getDeclaredConstructor(String.class, long.class, long.class);
        return ctor.newInstance(sender, seq, amount);
    }

    /** Refreshes {@code bundles} and waits for the framework to say it is done. */
    private void refresh(Bundle... bundles) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(Arrays.asList(bundles), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        assertTrue("the refresh finished", done.await(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @SuppressWarnings("unchecked")
    private List<Object> check(Pid p) {
        return (List<Object>) call(p, "check");
    }

    /**
     * The protocol bundle updated from 1.0 to 1.1 and refreshed while 2,000 deposits wait in 100
     * accounts: the refresh restarts the account bundle, and every queued deposit reaches the new
     * code as its own Deposit (none unrecognised), exactly once, in order; the states' deposits are
     * of the new class; the old protocol revision's class loader is collected afterwards.
     */
    @Test
    public void aRefreshedProtocolBundleHandsNoProcessAnObjectOfItsOldClasses() throws Exception {
        Bundle protocol = protocol("1.0.0");
        Bundle account = TestBundles.bundle("fixture.account", "1.0.0").addPackageOf(Account.class).install(context);
        protocol.start();
        account.start();
        awaitBehaviour("account", "1.0.0");
        List<Pid> pids = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            Pid p = runtime.spawn("account", null);
            pids.add(p);
            runtime.send(p, deposit(protocol, "seed", 1, 1)); // a Deposit in every state
        }
        for (Pid p : pids) {
            assertEquals(List.of(1L, 0L, 0L, true, 1), check(p));
        }
        WeakReference<ClassLoader> oldProtocol = loaderOf(protocol);
        // Each account's first deposit holds its handler until the refresh is done, so that the
        // other 1,900 wait in the mailboxes while the protocol is replaced and the account bundle
        // restarted: the slowed handler of the issue, without a race against the clock.
        System.setProperty(Account.HOLD, "true");
        try {
            for (int i = 1; i <= PER_PROCESS; i++) {
                for (Pid p : pids) {
                    runtime.send(p, deposit(protocol, "s", i, i == 1 ? -1 : 10));
                }
            }
            protocol.update(new ByteArrayInputStream(protocolJar("1.1.0")));
            refresh(protocol);
            awaitBehaviour("account", "1.0.0");
        } finally {
            System.clearProperty(Account.HOLD);
        }
        for (Pid p : pids) {
            List<Object> c = check(p);
            assertEquals("balance: the seed and 19 deposits of 10, each counted once", 1L + 10L * (PER_PROCESS - 1), c.get(0));
            assertEquals("in order", 0L, c.get(1));
            assertEquals("every deposit recognised as the new code's own", 0L, c.get(2));
            assertEquals("the state's deposits are of the Deposit class the code sees", true, c.get(3));
        }
        long converted = reports("account").stream().mapToLong(r -> r.messagesConverted()).sum();
        // Each account had 19 deposits waiting behind its held one, or all 20 if its turn had not
        // come yet when the version went: every one of them was converted at the withdrawal.
        assertTrue("converted " + converted + " of the deposits that waited", converted >= (long) PROCESSES * (PER_PROCESS - 1)
                && converted <= (long) PROCESSES * PER_PROCESS);
        awaitCollected(oldProtocol, "the protocol 1.0.0 revision's class loader after the refresh");
    }

    /** A refresh of the behaviour bundle itself, with no update: every process and its state kept. */
    @Test
    public void aRefreshOfTheBehaviourBundleKeepsEveryProcessAndItsState() throws Exception {
        Bundle protocol = protocol("1.0.0");
        Bundle account = TestBundles.bundle("fixture.account", "1.0.0").addPackageOf(Account.class).install(context);
        protocol.start();
        account.start();
        awaitBehaviour("account", "1.0.0");
        Pid p = runtime.spawn("account", "acc", null);
        runtime.send(p, deposit(protocol, "a", 1, 7));
        assertEquals(7L, call(p, "balance"));
        WeakReference<ClassLoader> before = loaderOf(account);
        refresh(account);
        awaitBehaviour("account", "1.0.0");
        assertEquals(p, runtime.whereis("acc").orElseThrow());
        runtime.send(p, deposit(protocol, "a", 2, 5));
        assertEquals(List.of(12L, 0L, 0L, true, 2), check(p));
        assertTrue(reports("account").get(0).isReload());
        awaitCollected(before, "the account bundle's first revision's class loader after its refresh");
    }

    /**
     * Three versions of one behaviour side by side, each with a process: a record sent from one
     * version's process to another's arrives as the receiver's own class, in both directions.
     */
    @Test
    public void threeVersionsSideBySideTalkThroughNeutralData() throws Exception {
        List<Pid> byVersion = new ArrayList<>();
        List<Bundle> bundles = new ArrayList<>();
        for (String v : List.of("1.0.0", "2.0.0", "3.0.0")) {
            Bundle b = TestBundles.bundle("fixture.relay", v).addPackageOf(Relay.class).install(context);
            b.start();
            bundles.add(b);
            awaitBehaviour("relay", v);
            byVersion.add(runtime.spawn("relay", "r" + v.charAt(0), null));
        }
        assertEquals(List.of("3.0.0", "2.0.0", "1.0.0"), behaviour("relay").versions());
        for (int from = 0; from < 3; from++) {
            for (int to = 0; to < 3; to++) {
                if (from == to) {
                    continue;
                }
                // The test's own Forward is no version's class either: it is converted for the sender too.
                assertEquals("sent", call(byVersion.get(from), new Relay.Forward(byVersion.get(to), "hello " + to)));
                String seen = (String) call(byVersion.get(to), "seen");
                assertTrue(seen, seen.startsWith("hello " + to + " from " + (from + 1) + ".0.0 (URGENT, ")
                        && seen.contains(" 0 foreign, seen by " + (to + 1) + ".0.0"));
            }
        }
        for (Bundle b : bundles) {
            assertEquals(Bundle.ACTIVE, b.getState());
        }
    }
}

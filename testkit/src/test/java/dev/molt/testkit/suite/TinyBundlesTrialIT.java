package dev.molt.testkit.suite;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.InputStream;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Bundle;

import dev.molt.testkit.MoltOptions;
import dev.molt.testkit.MoltTestBase;
import dev.molt.testkit.TestBundles;
import dev.molt.testkit.fixtures.base.Tally;
import dev.molt.testkit.fixtures.base.TallyBehaviour;
import dev.molt.testkit.fixtures.good.Good;

/** Trial: the same fixture bundle built inside the container with TinyBundles 4.0.1 and with bnd's Builder. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class TinyBundlesTrialIT extends MoltTestBase {

    @Configuration
    public Option[] config() {
        return options(MoltOptions.molt(), MoltOptions.bundleBuilder(), composite(
                mavenBundle("biz.aQute.bnd", "biz.aQute.bnd.util", "6.4.1"),
                mavenBundle("biz.aQute.bnd", "biz.aQute.bndlib", "6.4.1"),
                mavenBundle("org.ops4j.base", "ops4j-base-store", "1.5.1"),
                mavenBundle("org.ops4j.pax.tinybundles", "tinybundles", "4.0.1")));
    }

    @Test
    public void tinyBundles() throws Exception {
        long t0 = System.nanoTime();
        // TinyBundles finds its factory with ServiceLoader and the context class loader; in the
        // native container that is the test class path, whose tinybundles (Pax Exam's own) is
        // another copy of the classes: "not a subtype". Point it at the bundle's copy.
        // Left set, it breaks the next test's container start (the test thread is the driver's).
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(TinyBundles.class.getClassLoader());
        Bundle b;
        try {
            InputStream jar = TinyBundles.bundle()
                    .setHeader("Bundle-SymbolicName", "fixture.tally").setHeader("Bundle-Version", "1.0.0")
                    .addClass(Good.class).addClass(TallyBehaviour.class).addClass(Tally.class)
                    .setHeader("-dsannotations", "*")
                    .build(TinyBundles.bndBuilder());
            b = context.installBundle("tiny:tally", jar);
        } finally {
            Thread.currentThread().setContextClassLoader(tccl);
        }
        System.out.println("tinybundles: " + (System.nanoTime() - t0) / 1_000_000 + " ms; headers " + b.getHeaders());
        b.start();
        awaitBehaviour("tally", "1.0.0");
        assertEquals(0L, call(runtime.spawn("tally", null), "get"));
    }

    @Test
    public void bndBuilder() throws Exception {
        long t0 = System.nanoTime();
        Bundle b = TestBundles.bundle("fixture.tally", "1.0.0").addPackageOf(TallyBehaviour.class).addPackageOf(Good.class).install(context);
        System.out.println("bnd Builder: " + (System.nanoTime() - t0) / 1_000_000 + " ms; headers " + b.getHeaders());
        b.start();
        awaitBehaviour("tally", "1.0.0");
        assertEquals(0L, call(runtime.spawn("tally", null), "get"));
    }
}

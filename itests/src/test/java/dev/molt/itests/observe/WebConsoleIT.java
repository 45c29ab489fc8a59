package dev.molt.itests.observe;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessStatus;
import dev.molt.itests.MoltTestSupport;
import dev.molt.itests.observe.browser.Chromium;
import dev.molt.testkit.MoltOptions;

/**
 * The web console's Molt page in a real headless Chromium, served by a real Felix Web Console
 * 4.8 on Felix HTTP Jetty: a spawned process appears in the table and on its own page, an upgrade
 * shows in the history with its pause chart, and the held list's kill button ends a held process.
 * Each page's screenshot goes to {@code molt.screenshots} (target/screenshots; {@code
 * -Dmolt.screenshots=../docs} refreshes the README's). Where Chromium is not installed, the test
 * fails with one line that says how to install it: a browser test that skips passes unseen.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebConsoleIT extends MoltTestSupport {

    private static final String PORT = "molt.http.port";

    @Configuration
    public Option[] config() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return options(
                systemProperty(PORT).value(String.valueOf(port)),
                frameworkProperty("org.osgi.service.http.port").value(String.valueOf(port)),
                frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"),
                runtimeBundles(true),
                MoltOptions.fromClasspath("org.apache.felix.http.servlet-api"),
                MoltOptions.fromClasspath("org.apache.felix.http.jetty"),
                MoltOptions.fromClasspath("org.apache.commons.commons-io"),
                MoltOptions.fromClasspath("org.apache.commons.commons-fileupload"),
                MoltOptions.fromClasspath("org.apache.felix.webconsole"),
                MoltOptions.fromClasspath("dev.molt.webconsole"));
    }

    private static String page(String fragment) {
        return "http://127.0.0.1:" + System.getProperty(PORT) + "/system/console/molt#" + fragment;
    }

    private static void save(Chromium browser, String name) throws Exception {
        Path dir = Path.of(System.getProperty("molt.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        Files.write(dir.resolve("webconsole-" + name + ".png"), browser.screenshot());
    }

    @Test
    public void thePagesShowProcessesUpgradesAndHeldProcessesAndTheKillButtonEndsOne() throws Exception {
        if (!Chromium.executable().canExecute()) {
            fail("no browser at " + Chromium.executable() + ": apt-get install chromium (as .ci/run does),"
                    + " or name one with -Dmolt.chromium=/path");
        }
        awaitBehaviour("counter", "1.0.0");
        log.expect("is held: import by 3.0.0 of the state from 2.0.0 failed: .*cannot import an odd total");
        Pid web = runtime.spawn("counter", "web-1", 4);
        Pid odd = runtime.spawn("counter", "web-odd", 7);
        for (int i = 2; i <= 12; i++) {
            runtime.spawn("counter", "shard-" + i, 2 * i);
        }
        runtime.send(web, "inc");
        runtime.call(web, "get", WAIT);
        String basic = "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
        try (Chromium browser = Chromium.open(Map.of("Authorization", basic))) {
            browser.navigate(page("processes"));
            browser.awaitTrue("web-1 in the processes table", "document.querySelector('#molt-process-table tr[data-pid=\"" + web.id()
                    + "\"]') && document.querySelector('#molt-process-table tr[data-pid=\"" + web.id() + "\"]').innerText.includes('web-1')", 20);
            browser.awaitTrue("the page count", "document.getElementById('molt-page').innerText.includes('13 processes')", 20);
            save(browser, "processes");

            assertTrue(runtime.upgrade("counter", url("dev.molt.counter-v2")).summary().startsWith("counter 1.0.0 -> 2.0.0: 13 migrated"));
            browser.navigate(page("process/" + web.id()));
            browser.awaitTrue("web-1's own page with its migrated state and its migration", "document.getElementById('molt-process')"
                    + ".innerText.includes('Process " + web.id() + " (web-1)') && document.querySelector('.molt-state').innerText"
                    + ".includes('total=5') && document.getElementById('molt-process').innerText.includes('ATOMIC')", 20);
            save(browser, "process");

            browser.navigate(page("upgrades"));
            browser.awaitTrue("the upgrade in the history, with its pause chart", "document.querySelector('tr[data-upgrade=\"counter 1.0.0"
                    + " -> 2.0.0\"]') && document.querySelectorAll('.molt-chart rect').length > 0", 20);
            save(browser, "upgrades");

            browser.navigate(page("behaviours"));
            browser.awaitTrue("counter 2.0.0 serving its 13 processes", "document.querySelector('tr[data-behaviour=\"counter\"]') &&"
                    + " document.querySelector('tr[data-behaviour=\"counter\"]').innerText.includes('2.0.0 (13)')", 20);
            save(browser, "behaviours");

            runtime.upgrade("counter", url("dev.molt.counter-v3-broken")); // odd totals cannot be imported: web-odd (7) and web-1 (5) held
            assertEquals(ProcessStatus.HELD, runtime.info(odd).orElseThrow().status());
            browser.navigate(page("held"));
            String row = "document.querySelector('#molt-held tr[data-pid=\"" + odd.id() + "\"]')";
            browser.awaitTrue("web-odd in the held list, with its reason", row + " && " + row + ".innerText.includes('odd total')", 20);
            save(browser, "held");

            CompletableFuture<ExitReason> gone = runtime.watch(odd).toCompletableFuture();
            String renders = "Number(document.getElementById('molt').getAttribute('data-renders'))";
            Object before = browser.evaluate(row + ".querySelector('.molt-kill').click(), " + renders);
            browser.awaitTrue("the kill button to ask once more", row + ".querySelector('.molt-kill').innerText.includes('again')", 10);
            // the live refresh rebuilds the list every 2 s: the button it draws anew must still be armed
            browser.awaitTrue("the held list drawn again with the kill button still armed", renders + " > " + before + " && " + row
                    + " && " + row + ".querySelector('.molt-kill').innerText.includes('again')", 10);
            browser.evaluate(row + ".querySelector('.molt-kill').click()");
            ExitReason why;
            try {
                why = gone.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("web-odd did not end within " + WAIT.toSeconds() + " s of the kill button's second press;"
                        + " it is " + runtime.info(odd).map(i -> i.status().toString()).orElse("gone")
                        + " and the page says: " + browser.evaluate("document.getElementById('molt-message').innerText"));
            }
            assertEquals(ExitReason.Kind.KILLED, why.kind());
            assertEquals("killed from the web console", why.detail());
            browser.awaitTrue("web-odd gone from the held list", "!" + row, 20);
            browser.awaitTrue("the page to say so", "document.getElementById('molt-message').innerText.includes('is ending')", 20);
        }
        log.assertNothingUnexpected();
    }
}

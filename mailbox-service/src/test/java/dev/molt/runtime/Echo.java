package dev.molt.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.molt.api.Behaviour;
import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ReplyHandle;

/**
 * A test behaviour driven by its messages. State: the messages it received, in order (as a
 * list of strings). Commands:
 * {@code "get"} replies the list; {@code "crash"} throws; {@code "stop"} stops normally;
 * {@code "noreply"} handles a call without answering; {@code "later"} answers from another thread;
 * {@code "trap"} traps exits; {@code Pid} links to it; {@code ["monitor", pid]} monitors;
 * {@link Gate} signals that the handler is inside, then blocks until the test opens it;
 * {@code ["depth", pid]} replies that process's mailbox depth; {@link Act} runs its action with
 * the handler's context (after its gate, if it has one); anything else is recorded.
 */
public final class Echo implements Behaviour<List<String>> {

    /** A handler the test controls: {@code entered} opens when it runs, it returns when {@code release} opens. */
    record Gate(CountDownLatch entered, CountDownLatch release) {
        Gate() {
            this(new CountDownLatch(1), new CountDownLatch(1));
        }

        void awaitEntered() throws InterruptedException {
            if (!entered.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the handler never started");
            }
        }

        void open() {
            release.countDown();
        }
    }

    /** Runs {@code action} with the handler's context, after {@code gate} opens when there is one; records "acted". */
    record Act(Gate gate, java.util.function.Consumer<ProcessContext> action) {
    }

    final String tag;

    /** What process {@code p} (an echo) has recorded so far, asked with {@code "get"}. */
    @SuppressWarnings("unchecked")
    static List<String> seen(dev.molt.api.ProcessRuntime rt, Pid p) {
        return (List<String>) rt.call(p, "get", java.time.Duration.ofSeconds(10));
    }

    public Echo(String tag) {
        this.tag = tag;
    }

    @Override
    public List<String> init(ProcessContext context, Object argument) {
        if ("fail".equals(argument)) {
            throw new IllegalArgumentException("init refused");
        }
        return new ArrayList<>();
    }

    @Override
    public List<String> handle(ProcessContext context, List<String> seen, Object message) throws Exception {
        if (message instanceof Gate gate) {
            gate.entered().countDown();
            if (!gate.release().await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test latch never opened");
            }
            seen.add("released");
            return seen;
        }
        if (message instanceof Act act) {
            if (act.gate() != null) {
                act.gate().entered().countDown();
                if (!act.gate().release().await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test latch never opened");
                }
            }
            act.action().accept(context);
            seen.add("acted");
            return seen;
        }
        if (message instanceof Pid other) {
            context.link(other);
            return seen;
        }
        if (message instanceof List<?> l && l.size() == 2 && "depth".equals(l.get(0))) {
            context.reply(context.runtime().info((Pid) l.get(1)).orElseThrow().mailboxDepth());
            return seen;
        }
        if (message instanceof List<?> l && l.size() == 2 && "monitor".equals(l.get(0))) {
            context.monitor((Pid) l.get(1));
            return seen;
        }
        switch (String.valueOf(message)) {
            case "get":
                context.reply(List.copyOf(seen));
                return seen;
            case "version":
                context.reply(tag + " " + context.version());
                return seen;
            case "crash":
                throw new IllegalStateException("boom");
            case "stop":
                context.stop(ExitReason.NORMAL);
                return seen;
            case "noreply":
                return seen;
            case "later":
                ReplyHandle h = context.replyLater();
                new Thread(() -> h.reply("later:" + seen.size())).start();
                return seen;
            case "trap":
                context.trapExits(true);
                return seen;
            default:
                seen.add(String.valueOf(message));
                return seen;
        }
    }
}

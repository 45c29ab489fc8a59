package dev.molt.supervision;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Component;

import dev.molt.api.Behaviour;
import dev.molt.api.ChildSpec;
import dev.molt.api.ExitReason;
import dev.molt.api.ExitSignal;
import dev.molt.api.MoltBehaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.Shutdown;
import dev.molt.api.SupervisorSpec;
import dev.molt.api.Supervisors;

/**
 * The built-in supervisor behaviour ({@value Supervisors#BEHAVIOUR}), after OTP's {@code supervisor}.
 *
 * <h2>How it sees its children</h2>
 * It traps exits and starts each child with {@link ProcessContext#spawnLink}, so the link is in place
 * before the child's {@code init} runs and every end of a child arrives as one {@link ExitSignal}.
 * A child it stops itself keeps its link until it has ended; its pid waits in {@link Tree#stopping}
 * for that one signal, which is then dropped. An abnormal signal from any other process (its parent,
 * or whoever linked to it) ends the supervisor as a link would end a process that does not trap
 * exits; its {@code terminate} then stops the children.
 *
 * <h2>Thread rule</h2>
 * Every callback runs on the supervisor's own turn (a runtime rule). Starting a child runs its
 * {@code init} on this thread; stopping one waits for its end inside
 * {@link ProcessContext#blocking}, so that the wait never holds a runtime worker from the others.
 *
 * <h2>Upgrades</h2>
 * The state ({@link Tree}) is exported as neutral data: child specs are API records, pids and
 * counts JDK values. Nothing in an upgrade of this bundle or of a child's behaviour ends a process,
 * so neither restarts anything.
 */
@Component(service = Behaviour.class)
@MoltBehaviour(Supervisors.BEHAVIOUR)
public final class Supervisor implements Behaviour<Tree> {

    private static final System.Logger LOG = System.getLogger("dev.molt.supervision");
    /** How long a stop waits for a killed child whose handler is still running, before it goes on without it. */
    static final Duration KILL_WAIT = Duration.ofSeconds(10);

    @Override
    public Tree init(ProcessContext ctx, Object argument) throws Exception {
        if (!(argument instanceof SupervisorSpec spec)) {
            throw new IllegalArgumentException("a supervisor is spawned with a SupervisorSpec, got "
                    + (argument == null ? "nothing" : argument.getClass().getName()));
        }
        ctx.trapExits(true); // before any child exists, so that no child's end is missed
        Tree t = new Tree(neutralFlags(ctx, spec));
        for (ChildSpec c : t.flags.children()) {
            if (!t.isDynamic()) {
                t.children.put(c.id(), new Tree.Child(c));
            }
        }
        for (Tree.Child c : t.children.values()) {
            try {
                start(ctx, t, c);
            } catch (RuntimeException e) {
                stopAll(ctx, t);
                throw new ProcessException("supervisor " + label(ctx) + " could not start child " + c.id() + ": " + e.getMessage());
            }
        }
        return t;
    }

    /** The spec with every child's argument as neutral data, so that the state never holds a bundle's classes. */
    private static SupervisorSpec neutralFlags(ProcessContext ctx, SupervisorSpec spec) {
        List<ChildSpec> kids = new ArrayList<>();
        for (ChildSpec c : spec.children()) {
            Object arg = c.argument() instanceof SupervisorSpec nested ? neutralFlags(ctx, nested) : ctx.toNeutral(c.argument());
            kids.add(c.withArgument(arg));
        }
        return new SupervisorSpec(spec.strategy(), spec.intensity(), spec.period(), kids);
    }

    @Override
    public Tree handle(ProcessContext ctx, Tree t, Object message) throws Exception {
        if (message instanceof ExitSignal s) {
            exitSignal(ctx, t, s);
        } else if (message instanceof Requests.RetryRestarts) {
            startMissing(ctx, t);
        } else if (ctx.isCall()) {
            try {
                ctx.reply(request(ctx, t, message));
            } catch (ProcessException | IllegalArgumentException e) {
                ctx.reply(new ProcessException(e.getMessage()));
            }
        } else {
            LOG.log(System.Logger.Level.INFO, "supervisor " + label(ctx) + " ignored an unexpected message: " + message);
        }
        return t;
    }

    @Override
    public Object exportState(ProcessContext ctx, Tree t) {
        return t.export();
    }

    @Override
    public Tree importState(ProcessContext ctx, String fromVersion, Object neutral) {
        return Tree.restore(neutral);
    }

    @Override
    public void terminate(ProcessContext ctx, Tree t, ExitReason reason) {
        stopAll(ctx, t);
    }

    // ---- a child ended ----------------------------------------------------------------------

    private void exitSignal(ProcessContext ctx, Tree t, ExitSignal s) {
        Tree.Child c = t.byPid.remove(s.from());
        if (c == null) {
            if (!t.stopping.remove(s.from()) && s.reason().isAbnormal()) {
                // Not a child and not one we stopped: a link of our own (the parent, say) ended.
                ctx.stop(new ExitReason(ExitReason.Kind.LINKED, "linked process " + s.from().text() + " ended: "
                        + s.reason().summary()));
            }
            return;
        }
        c.pid = null;
        boolean restart = switch (c.spec.restart()) {
            case PERMANENT -> true;
            case TRANSIENT -> s.reason().isAbnormal();
            case TEMPORARY -> false;
        };
        if (!restart) {
            c.wanted = false;
            if (t.isDynamic() || c.spec.restart() == ChildSpec.Restart.TEMPORARY) {
                t.children.remove(c.id());
            }
            return;
        }
        if (!countRestart(t)) {
            String why = "reached its restart intensity: more than " + t.flags.intensity() + " restarts within "
                    + t.flags.period().toMillis() + " ms; the last: child " + c.id() + " ended: " + s.reason().summary();
            LOG.log(System.Logger.Level.WARNING, "supervisor " + label(ctx) + " " + why + "; it stops its children and ends");
            ctx.stop(ExitReason.error(why));
            return;
        }
        c.restarts++;
        switch (t.flags.strategy()) {
            case ONE_FOR_ONE, SIMPLE_ONE_FOR_ONE -> startOrRetry(ctx, t, List.of(c));
            case ONE_FOR_ALL -> {
                List<Tree.Child> all = new ArrayList<>(t.children.values());
                stopInReverse(ctx, t, all, c);
                countSiblings(t, all, c);
                startOrRetry(ctx, t, new ArrayList<>(t.children.values()));
            }
            case REST_FOR_ONE -> {
                List<Tree.Child> rest = after(t, c);
                stopInReverse(ctx, t, rest, c);
                countSiblings(t, rest, c);
                List<Tree.Child> again = new ArrayList<>();
                again.add(c);
                for (Tree.Child r : rest) {
                    if (t.children.containsKey(r.id())) {
                        again.add(r);
                    }
                }
                startOrRetry(ctx, t, again);
            }
        }
    }

    /** One restart more in the window; false if that is more than the intensity allows. */
    private static boolean countRestart(Tree t) {
        long now = System.nanoTime();
        t.restartTimes.addLast(now);
        long windowStart = now - t.flags.period().toNanos();
        while (!t.restartTimes.isEmpty() && t.restartTimes.peekFirst() - windowStart < 0) {
            t.restartTimes.removeFirst();
        }
        return t.restartTimes.size() <= t.flags.intensity();
    }

    /** Siblings restarted along with the child that ended count a restart each; temporary ones are gone. */
    private static void countSiblings(Tree t, List<Tree.Child> stopped, Tree.Child cause) {
        for (Tree.Child s : stopped) {
            if (s == cause) {
                continue;
            }
            if (s.spec.restart() == ChildSpec.Restart.TEMPORARY) {
                t.children.remove(s.id());
            } else if (s.wanted) {
                s.restarts++;
            }
        }
    }

    private static List<Tree.Child> after(Tree t, Tree.Child c) {
        List<Tree.Child> out = new ArrayList<>();
        boolean seen = false;
        for (Tree.Child x : t.children.values()) {
            if (seen) {
                out.add(x);
            }
            seen |= x == c;
        }
        return out;
    }

    /** Starts the wanted children of {@code which} that are not running, in order; a failure is retried later. */
    private void startOrRetry(ProcessContext ctx, Tree t, List<Tree.Child> which) {
        for (Tree.Child c : which) {
            if (c.wanted && c.pid == null) {
                try {
                    start(ctx, t, c);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "supervisor " + label(ctx) + " could not restart child " + c.id()
                            + ": " + e.getMessage() + "; it tries again (counted toward its restart intensity)");
                    ctx.sendSelf(new Requests.RetryRestarts());
                    return;
                }
            }
        }
    }

    /** A retry after a failed restart: counts toward the intensity, as the failed restart did in OTP. */
    private void startMissing(ProcessContext ctx, Tree t) {
        List<Tree.Child> missing = new ArrayList<>();
        for (Tree.Child c : t.children.values()) {
            if (c.wanted && c.pid == null) {
                missing.add(c);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        if (!countRestart(t)) {
            String why = "reached its restart intensity: more than " + t.flags.intensity() + " restarts within "
                    + t.flags.period().toMillis() + " ms; child " + missing.get(0).id() + " could not be started again";
            LOG.log(System.Logger.Level.WARNING, "supervisor " + label(ctx) + " " + why + "; it stops its children and ends");
            ctx.stop(ExitReason.error(why));
            return;
        }
        startOrRetry(ctx, t, missing);
    }

    private static void start(ProcessContext ctx, Tree t, Tree.Child c) {
        Pid pid = ctx.spawnLink(c.spec.behaviour(), c.spec.name(), c.spec.argument());
        t.running(c, pid);
    }

    // ---- stopping children ------------------------------------------------------------------

    /** Stops every child, last started first. */
    private static void stopAll(ProcessContext ctx, Tree t) {
        stopInReverse(ctx, t, new ArrayList<>(t.children.values()), null);
    }

    /**
     * Stops the running children of {@code which} (except {@code except}) in reverse order, each as
     * its shutdown says, waiting for each to end before the next. A dynamic supervisor stops all its
     * children at once and then waits for them all, as OTP's does: they have no order.
     */
    private static void stopInReverse(ProcessContext ctx, Tree t, List<Tree.Child> which, Tree.Child except) {
        if (t.isDynamic()) {
            List<Stopping> all = new ArrayList<>();
            for (Tree.Child c : which) {
                if (c != except && c.pid != null) {
                    all.add(ask(ctx, t, c));
                }
            }
            for (Stopping s : all) {
                s.await(ctx);
            }
            return;
        }
        for (int i = which.size() - 1; i >= 0; i--) {
            Tree.Child c = which.get(i);
            if (c != except && c.pid != null) {
                ask(ctx, t, c).await(ctx);
            }
        }
    }

    /** Asks a child to end as its shutdown says; its exit signal is expected (see {@link Tree#stopping}). */
    private static Stopping ask(ProcessContext ctx, Tree t, Tree.Child c) {
        Pid pid = c.pid;
        t.byPid.remove(pid);
        c.pid = null;
        t.stopping.add(pid);
        ProcessRuntime rt = ctx.runtime();
        CompletableFuture<ExitReason> ended = rt.watch(pid).toCompletableFuture();
        if (c.spec.shutdown().kind() == Shutdown.Kind.BRUTAL_KILL) {
            rt.kill(pid, "killed by its supervisor (shutdown brutal_kill)");
        } else {
            rt.stop(pid);
        }
        return new Stopping(pid, c.spec, ended);
    }

    /** A child asked to end, and how long to give it. */
    private record Stopping(Pid pid, ChildSpec spec, CompletableFuture<ExitReason> ended) {

        void await(ProcessContext ctx) {
            if (ended.isDone()) {
                return;
            }
            Shutdown sd = spec.shutdown();
            long deadline = sd.kind() == Shutdown.Kind.TIMEOUT ? System.nanoTime() + sd.timeout().toNanos() : Long.MAX_VALUE;
            if (waitUntil(ctx, deadline)) {
                return;
            }
            ctx.runtime().kill(pid, "did not stop within its shutdown of " + sd + "; killed by its supervisor");
            if (!waitUntil(ctx, System.nanoTime() + KILL_WAIT.toNanos())) {
                LOG.log(System.Logger.Level.WARNING, "child " + spec.id() + " (process " + pid.id() + ") is still in a"
                        + " handler " + KILL_WAIT.toSeconds() + " s after its kill; its supervisor goes on, and it ends when"
                        + " the handler returns");
            }
        }

        /** True once the child ended; false at the deadline (Long.MAX_VALUE: none). */
        private boolean waitUntil(ProcessContext ctx, long deadline) {
            try {
                return ctx.blocking(() -> {
                    try {
                        if (deadline == Long.MAX_VALUE) {
                            ended.get();
                        } else {
                            ended.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                        }
                        return true;
                    } catch (TimeoutException e) {
                        return false;
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                return true; // a watch completes normally; if it did not, it completed
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ---- requests ---------------------------------------------------------------------------

    private Object request(ProcessContext ctx, Tree t, Object message) {
        if (message instanceof Requests.WhichChildren) {
            return t.infos();
        }
        if (message instanceof Requests.StartChild r) {
            if (t.isDynamic()) {
                throw new ProcessException("supervisor " + label(ctx) + " is simple_one_for_one: add a child with an"
                        + " argument (start-child SUP ARG), not a child spec");
            }
            ChildSpec spec = r.spec().withArgument(ctx.toNeutral(r.spec().argument()));
            if (t.children.containsKey(spec.id())) {
                throw new ProcessException("supervisor " + label(ctx) + " has a child '" + spec.id() + "' already;"
                        + " choose another id, or restart-child it");
            }
            Tree.Child c = new Tree.Child(spec);
            start(ctx, t, c); // a failure leaves nothing behind: the child is added only once it runs
            t.children.put(c.id(), c);
            return c.pid;
        }
        if (message instanceof Requests.StartDynamic r) {
            if (!t.isDynamic()) {
                throw new ProcessException("supervisor " + label(ctx) + " is " + strategy(t) + ": start a child with a"
                        + " child spec; only a simple_one_for_one supervisor adds children by argument");
            }
            ChildSpec template = t.flags.children().get(0);
            Object arg = r.argument() == null ? template.argument() : ctx.toNeutral(r.argument());
            ChildSpec spec = template.withArgument(arg).withName(null);
            spec = new ChildSpec(template.id() + "-" + (t.dynamicSeq + 1), spec.behaviour(), spec.argument(), spec.restart(),
                    spec.shutdown(), null);
            Tree.Child c = new Tree.Child(spec);
            start(ctx, t, c);
            t.dynamicSeq++;
            t.children.put(c.id(), c);
            return c.pid;
        }
        if (message instanceof Requests.TerminateChild r) {
            Tree.Child c = existing(ctx, t, r.child());
            if (c.pid == null) {
                throw new ProcessException("child " + c.id() + " of supervisor " + label(ctx) + " is not running;"
                        + " restart-child starts it");
            }
            c.wanted = false;
            stopInReverse(ctx, t, List.of(c), null);
            if (t.isDynamic()) {
                t.children.remove(c.id());
            }
            return Boolean.TRUE;
        }
        if (message instanceof Requests.RestartChild r) {
            Tree.Child c = existing(ctx, t, r.child());
            if (t.isDynamic()) {
                throw new ProcessException("supervisor " + label(ctx) + " is simple_one_for_one: its children are not"
                        + " restarted by hand; start-child adds one");
            }
            if (c.pid != null) {
                throw new ProcessException("child " + c.id() + " of supervisor " + label(ctx) + " is running as process "
                        + c.pid.id() + "; terminate-child it first");
            }
            start(ctx, t, c);
            c.wanted = true;
            return c.pid;
        }
        if (message instanceof Requests.DeleteChild r) {
            Tree.Child c = existing(ctx, t, r.child());
            if (c.pid != null) {
                throw new ProcessException("child " + c.id() + " of supervisor " + label(ctx) + " is running as process "
                        + c.pid.id() + "; terminate-child it first");
            }
            t.children.remove(c.id());
            return Boolean.TRUE;
        }
        throw new ProcessException("supervisor " + label(ctx) + " does not understand " + message
                + "; use the Supervisors service or proc:sup");
    }

    private static Tree.Child existing(ProcessContext ctx, Tree t, String child) {
        Tree.Child c = child == null ? null : t.find(child.strip());
        if (c == null) {
            List<String> ids = new ArrayList<>();
            Iterator<String> it = t.children.keySet().iterator();
            while (it.hasNext() && ids.size() < 10) {
                ids.add(it.next());
            }
            throw new ProcessException("supervisor " + label(ctx) + " has no child '" + child + "'; its children: "
                    + (ids.isEmpty() ? "none" : String.join(", ", ids) + (t.children.size() > 10 ? ", ..." : "")));
        }
        return c;
    }

    private static String strategy(Tree t) {
        return t.flags.strategy().name().toLowerCase();
    }

    private static String label(ProcessContext ctx) {
        return ctx.self().id() + ctx.name().map(n -> " (" + n + ")").orElse("");
    }
}

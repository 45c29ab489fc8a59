package dev.molt.runtime.process;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.molt.api.CallTimeoutException;
import dev.molt.api.ExitReason;
import dev.molt.api.MonitorRef;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.cluster.RemoteRouter;
import dev.molt.api.cluster.Watch;
import dev.molt.runtime.dispatch.Dispatcher;

/**
 * Everything the runtime does with a pid that is not local: it hands it to the cluster's
 * {@link RemoteRouter}, if one is attached ({@link Kernel#router}). Kept apart from
 * {@link Messaging} and {@link Watchers}, which call here only after a local lookup missed, so that
 * nothing on the path of a local send or call changes.
 *
 * <p>Thread rule: any thread.
 */
final class Remote {

    /** A monitor of a remote process, kept in the monitoring process's watchers so that its end cancels it. */
    record RemoteMonitor(MonitorRef ref, Watch watch) {
    }

    /** A link to a remote process, kept in the local process's watchers (see {@link Watchers#linkedExited}). */
    record RemoteLink(Pid remote, Watch watch) {
    }

    private Remote() {
    }

    /** The router, or a one-line error that says why a remote pid cannot be reached. */
    static RemoteRouter router(Kernel kernel, Pid to) {
        RemoteRouter r = kernel.router();
        if (r == null) {
            throw new NoSuchProcessException("process " + to.text() + " is on node " + to.node() + ", but this runtime is"
                    + " in no cluster; install the cluster bundle and configure it (PID dev.molt.cluster)");
        }
        return r;
    }

    static void send(Kernel kernel, Pid to, Object message) {
        router(kernel, to).send(to, message);
    }

    static CompletionStage<Object> callAsync(Kernel kernel, Pid to, Object message, Duration timeout) {
        try {
            return router(kernel, to).call(to, message, timeout);
        } catch (ProcessException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A blocking call to a remote process. On a worker the wait is a blocking scope, so that the
     * worker's permit goes to another thread meanwhile (see {@link Dispatcher}).
     */
    static Object call(Kernel kernel, Pid to, Object message, Duration timeout) {
        CompletableFuture<Object> f = router(kernel, to).call(to, message, timeout).toCompletableFuture();
        Dispatcher d = kernel.dispatcher();
        try {
            if (f.isDone() || !d.onWorker()) {
                return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            try (Dispatcher.Blocking scope = d.blocking()) {
                return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException e) {
            CallTimeoutException t = new CallTimeoutException("no reply from process " + to.text() + " to "
                    + Texts.describe(message) + " within " + timeout.toMillis() + " ms; the process may be busy");
            f.completeExceptionally(t);
            throw t;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new ProcessException("call to process " + to.text() + " failed: " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessException("interrupted while calling process " + to.text());
        }
    }

    /** A watch for a caller that is not a process; noconnection at once without a cluster. */
    static CompletionStage<ExitReason> watch(Kernel kernel, Pid pid) {
        CompletableFuture<ExitReason> f = new CompletableFuture<>();
        RemoteRouter r = kernel.router();
        if (r == null) {
            f.complete(ExitReason.noconnection(pid.node()));
        } else {
            r.watch(pid, f::complete);
        }
        return f.minimalCompletionStage();
    }

    static boolean exit(Kernel kernel, Pid pid, ExitReason reason, boolean kill) {
        RemoteRouter r = kernel.router();
        if (r == null) {
            return false;
        }
        r.exit(pid, reason, kill);
        return true;
    }

    /** {@code p} monitors a remote process: a {@link dev.molt.api.Down} comes when it ends or its node leaves. */
    static void monitor(Proc p, MonitorRef ref) {
        RemoteRouter r = p.kernel().router();
        if (r == null) {
            p.enqueue(new dev.molt.api.Down(ref, ref.target(), ExitReason.noconnection(ref.target().node())));
            return;
        }
        Watch w = r.watch(ref.target(), reason -> p.enqueue(new dev.molt.api.Down(ref, ref.target(), reason)));
        if (!Watchers.add(p, new RemoteMonitor(ref, w))) {
            w.cancel(); // p ended meanwhile: nobody is left to tell
        }
    }

    static void demonitor(Proc p, MonitorRef ref) {
        Watchers.remove(p, w -> {
            if (w instanceof RemoteMonitor m && m.ref().equals(ref)) {
                m.watch().cancel();
                return true;
            }
            return false;
        });
    }

    /**
     * Links {@code p} and a remote process: the local half watches it (its end, or its node leaving,
     * is an exit signal to {@code p}); the router asks its node to link it back.
     */
    static void link(Proc p, Pid remote) {
        RemoteRouter r = router(p.kernel(), remote);
        linkHalf(p, remote, r);
        r.link(p.pid(), remote);
    }

    /** The half of a link held here: false if {@code p} has ended. */
    static boolean linkHalf(Proc p, Pid remote, RemoteRouter r) {
        Watch w = r.watch(remote, reason -> p.enqueueSystem(new SystemMessage.LinkExit(remote, reason)));
        if (!Watchers.add(p, new RemoteLink(remote, w))) {
            w.cancel();
            return false;
        }
        return true;
    }

    static void unlink(Proc p, Pid remote) {
        unlinkHalf(p, remote);
        RemoteRouter r = p.kernel().router();
        if (r != null) {
            r.unlink(p.pid(), remote);
        }
    }

    static void unlinkHalf(Proc p, Pid remote) {
        Watchers.remove(p, w -> {
            if (w instanceof RemoteLink l && l.remote().equals(remote)) {
                l.watch().cancel();
                return true;
            }
            return false;
        });
    }

    /** The process ended: its remote monitors and links no longer need their watches. */
    static boolean ended(Object watcher) {
        if (watcher instanceof RemoteMonitor m) {
            m.watch().cancel();
            return true;
        }
        if (watcher instanceof RemoteLink l) {
            l.watch().cancel(); // the other node learns of this end through its own watch of this process
            return true;
        }
        return false;
    }
}

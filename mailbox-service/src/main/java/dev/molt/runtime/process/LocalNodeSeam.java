package dev.molt.runtime.process;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.cluster.LocalNode;
import dev.molt.api.cluster.RemoteRouter;
import dev.molt.api.cluster.Watch;

/**
 * The {@link LocalNode} a cluster's router gets: the halves of monitors and links that other nodes
 * hold on this node's processes.
 *
 * <p>Thread rule: any thread.
 */
public final class LocalNodeSeam implements LocalNode {

    private final Kernel kernel;

    public LocalNodeSeam(Kernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public ProcessRuntime runtime() {
        return kernel.runtime();
    }

    @Override
    public Watch watch(Pid local, Consumer<ExitReason> onExit) {
        Proc p = kernel.table().get(local);
        CompletableFuture<ExitReason> f = new CompletableFuture<>();
        if (p == null || !Watchers.add(p, f)) {
            ExitReason r = p == null ? null : p.exitReason();
            onExit.accept(r != null ? r : ExitReason.NOPROC);
            return Watch.NONE;
        }
        f.thenAccept(onExit);
        return () -> {
            if (Watchers.remove(p, w -> w == f)) {
                f.cancel(false);
            }
        };
    }

    @Override
    public boolean linkFromRemote(Pid local, Pid remote) {
        Proc p = kernel.table().get(local);
        RemoteRouter r = kernel.router();
        return p != null && r != null && Remote.linkHalf(p, remote, r);
    }

    @Override
    public void unlinkFromRemote(Pid local, Pid remote) {
        Proc p = kernel.table().get(local);
        if (p != null) {
            Remote.unlinkHalf(p, remote);
        }
    }
}

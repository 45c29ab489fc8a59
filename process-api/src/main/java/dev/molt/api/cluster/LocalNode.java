package dev.molt.api.cluster;

import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessRuntime;

/**
 * What a {@link RemoteRouter} may do to this node's processes beyond {@link ProcessRuntime}: the
 * halves of monitors and links that other nodes hold. The runtime hands it to the router in
 * {@link RemoteRouter#attach}.
 *
 * <p>Thread rule: any thread; nothing blocks.
 */
@ProviderType
public interface LocalNode {

    /** This node's runtime. */
    ProcessRuntime runtime();

    /**
     * Runs {@code onExit} once when the local process {@code local} ends; at once with
     * {@link ExitReason#NOPROC} (and {@link Watch#NONE} returned) if it is not alive.
     */
    Watch watch(Pid local, Consumer<ExitReason> onExit);

    /**
     * Links the local process {@code local} to {@code remote} (whose node asked): when {@code remote}
     * ends, or its node leaves, {@code local} gets the exit signal; when {@code local} ends,
     * {@code remote}'s node learns it through its watch.
     *
     * @return false if {@code local} is not alive (the asking node's watch then reports noproc)
     */
    boolean linkFromRemote(Pid local, Pid remote);

    /** Undoes {@link #linkFromRemote}. */
    void unlinkFromRemote(Pid local, Pid remote);
}

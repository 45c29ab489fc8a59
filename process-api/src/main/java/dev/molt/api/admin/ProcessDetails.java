package dev.molt.api.admin;

import java.util.List;

import dev.molt.api.Pid;
import dev.molt.api.ProcessInfo;

/**
 * One process in detail, beyond {@link ProcessInfo}: who watches it, what it went through, and
 * (where per-process latency is on) how long its messages wait and take.
 *
 * @param info           the listing's snapshot: status, version, mailbox depth, messages handled
 * @param links          the processes linked to it
 * @param monitoredBy    the processes monitoring it
 * @param watches        callers outside any process watching it ({@code ProcessRuntime.watch})
 * @param migrations     the upgrades it went through, oldest first (the last few)
 * @param waited         its sampled mailbox waits; {@link Latency#NONE} unless per-process latency is on
 * @param handling       its sampled handler times; {@link Latency#NONE} unless per-process latency is on
 */
public record ProcessDetails(ProcessInfo info, List<Pid> links, List<Pid> monitoredBy, int watches,
                             List<MigrationStep> migrations, Latency waited, Latency handling) {

    public ProcessDetails {
        links = List.copyOf(links);
        monitoredBy = List.copyOf(monitoredBy);
        migrations = List.copyOf(migrations);
    }
}

package dev.molt.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.molt.api.ProcessException;
import dev.molt.api.ProcessExitedException;
import dev.molt.api.UpgradeMode;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.UpgradeReport;
import dev.molt.api.cluster.ClusterUpgradeReport;
import dev.molt.api.cluster.ClusterUpgradeReport.NodeResult;
import dev.molt.api.cluster.ClusterUpgradeReport.Outcome;

/**
 * A rolling upgrade across the cluster: node by node, in view order, each node's own upgrade
 * (atomic or rolling) from the same jar bytes, read once here. While it runs, nodes of both versions
 * talk as ever: everything between nodes is neutral data, and each node's code turns structs into its
 * own records on delivery.
 *
 * <p>Policy: the upgrade stops at the first node whose upgrade is refused, holds or fails a process,
 * or that leaves the view before it answers. The nodes before it run the new version, those after it
 * the old one, untouched; the report says which is which, and the failed node's own report says what
 * went wrong there (held processes wait there for a fixed version or {@code proc:rollback}).
 *
 * <p>Thread rule: runs on the caller's thread, which it blocks for at most the upgrade timeout per node.
 */
final class ClusterUpgrade {

    private final ClusterNode node;
    private final Requests requests;

    ClusterUpgrade(ClusterNode node, Requests requests) {
        this.node = node;
        this.requests = requests;
    }

    ClusterUpgradeReport run(String behaviour, String location, UpgradeOptions options) {
        if (options.mode() == UpgradeMode.CANARY) {
            throw new ProcessException("a cluster upgrade runs each node atomic or rolling; to try a canary, run"
                    + " proc:upgrade --canary on one node");
        }
        byte[] jar = read(location);
        List<Members.Member> order = node.members().all();
        List<NodeResult> results = new ArrayList<>();
        boolean stopped = false;
        for (Members.Member m : order) {
            if (stopped) {
                results.add(new NodeResult(m.name(), Outcome.NOT_STARTED, null, "not attempted: the upgrade stopped at an"
                        + " earlier node; this node runs what it ran"));
                continue;
            }
            NodeResult r = upgradeOne(m, behaviour, jar, options);
            results.add(r);
            stopped = r.outcome() != Outcome.UPGRADED;
        }
        return new ClusterUpgradeReport(behaviour, results);
    }

    private NodeResult upgradeOne(Members.Member m, String behaviour, byte[] jar, UpgradeOptions options) {
        try {
            Object answer = Requests.get(requests.ask(m, "upgrade", node.settings().upgradeTimeout(), behaviour, jar,
                    options.mode().name(), options.keepOld()));
            UpgradeReport report = Requests.decodeReport((Map<?, ?>) answer);
            if (!report.held().isEmpty() || report.failed() > 0) {
                return new NodeResult(m.name(), Outcome.FAILED, report, report.held().size() + " held, " + report.failed()
                        + " failed there; fix the version or proc:rollback " + behaviour + " on " + m.name());
            }
            return new NodeResult(m.name(), Outcome.UPGRADED, report, "");
        } catch (ProcessExitedException e) {
            if (e.reason() != null && e.reason().kind() == dev.molt.api.ExitReason.Kind.NOCONNECTION) {
                return new NodeResult(m.name(), Outcome.LEFT, null, "left the cluster during its upgrade; what it ran"
                        + " when it went is not known here");
            }
            return new NodeResult(m.name(), Outcome.FAILED, null, e.getMessage());
        } catch (ProcessException e) {
            return new NodeResult(m.name(), Outcome.FAILED, null, e.getMessage());
        }
    }

    private byte[] read(String location) {
        if (location == null || location.isBlank()) {
            throw new ProcessException("no jar given: name the new version's jar (a file path or a URL)");
        }
        int limit = node.settings().maxJarBytes();
        try (InputStream in = open(location.strip())) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) {
                throw new ProcessException(location + " is larger than the cluster's limit of " + limit
                        + " bytes for a jar (maxJarBytes); raise it on every node");
            }
            return b;
        } catch (IOException e) {
            throw new ProcessException("cannot read " + location + ": " + e.getMessage() + "; give a readable jar");
        }
    }

    private static InputStream open(String location) throws IOException {
        if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !location.matches("^[a-zA-Z]:\\\\.*")) {
            URL url = URI.create(location).toURL();
            return url.openStream();
        }
        return Files.newInputStream(Path.of(location));
    }
}

package dev.molt.cluster;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.molt.api.Pid;

/**
 * What one node needs to join a cluster. Every value but {@code node}, {@code port}, {@code peers}
 * and {@code secret} has a default; the failure-detection defaults find a dead node in about five
 * seconds (a killed JVM at once, through FD_SOCK2's closed socket).
 *
 * @param cluster            the cluster's name: nodes of other names do not join
 * @param node               this node's name (unique in the cluster; part of its pids)
 * @param bindAddress        the address to listen on
 * @param port               the TCP port to listen on
 * @param peers              where to look for the others at start ({@code host:port}), this node may be among them
 * @param secret             the shared secret: every node the same; nothing runs without it
 * @param failureTimeout     FD_ALL3: a member not heard from for this long is suspected
 * @param heartbeat          FD_ALL3: how often each member says it is alive
 * @param verifyTimeout      VERIFY_SUSPECT2: how long a suspect has to answer before it is excluded
 * @param mergeMin           MERGE3: the shortest interval between looks for other subgroups
 * @param mergeMax           MERGE3: the longest
 * @param joinTimeout        GMS: how long one join attempt waits
 * @param joinAttempts       GMS: attempts before a node starts a cluster of its own
 * @param maxMessageBytes    the largest message (encoded) a node sends or accepts
 * @param maxJarBytes        the largest jar a cluster-wide upgrade sends
 * @param requestTimeout     how long a request to another node (spawn, listing, name registration) waits
 * @param upgradeTimeout     how long one node's part of a cluster-wide upgrade may take
 * @param faultCommands      registers the {@code cluster:isolate} and {@code cluster:heal} commands (tests, drills)
 */
public record ClusterSettings(String cluster, String node, String bindAddress, int port, List<InetSocketAddress> peers,
                              String secret, Duration failureTimeout, Duration heartbeat, Duration verifyTimeout,
                              Duration mergeMin, Duration mergeMax, Duration joinTimeout, int joinAttempts,
                              int maxMessageBytes, int maxJarBytes, Duration requestTimeout, Duration upgradeTimeout,
                              boolean faultCommands) {

    public ClusterSettings {
        if (!Pid.isNodeName(node)) {
            throw new IllegalArgumentException("node '" + node + "' is not a node name: give each node a name of letters,"
                    + " digits, '-', '_' or '.' (node=n1)");
        }
        if (secret == null || secret.length() < 8) {
            throw new IllegalArgumentException("the cluster needs a secret of at least 8 characters, the same on every node"
                    + " (secret=...); cluster traffic is authenticated and encrypted with it");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port; give the port this node listens on (port=7800)");
        }
        peers = List.copyOf(peers);
    }

    /**
     * Reads {@code host:port, host:port} (or {@code host[port]}, as JGroups writes it).
     *
     * @throws IllegalArgumentException naming the entry that is not an address
     */
    public static List<InetSocketAddress> parsePeers(String text) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split("[,\\s]+")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            String host;
            String port;
            if (p.endsWith("]") && p.contains("[")) {
                host = p.substring(0, p.indexOf('['));
                port = p.substring(p.indexOf('[') + 1, p.length() - 1);
            } else if (p.lastIndexOf(':') > 0) {
                host = p.substring(0, p.lastIndexOf(':'));
                port = p.substring(p.lastIndexOf(':') + 1);
            } else {
                throw new IllegalArgumentException("peer '" + p + "' has no port; write peers as host:port, host:port");
            }
            try {
                out.add(new InetSocketAddress(host, Integer.parseInt(port)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("peer '" + p + "' is not host:port; write peers as host:port, host:port");
            }
        }
        return out;
    }
}

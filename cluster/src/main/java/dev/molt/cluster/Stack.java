package dev.molt.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.PerDestinationBundler;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;

/**
 * The protocol stack of a node, built from objects rather than an XML file: JGroups then loads no
 * protocol class and includes no XML by name, which inside OSGi would depend on the thread's context
 * class loader and the file's location. It is the {@code tcp.xml} stack of JGroups, with:
 * <ul>
 * <li>TCPPING over the configured peers (no multicast);</li>
 * <li>failure detection tuned by the settings: FD_SOCK2 (a closed socket, such as a killed JVM's, is
 * noticed at once), FD_ALL3 (heartbeats, for a hung or cut-off node), VERIFY_SUSPECT2;</li>
 * <li>MERGE3, so that the sides of a healed partition become one view again;</li>
 * <li>SYM_ENCRYPT with a key derived from the secret, below the reliable protocols, so that every
 * message above discovery is encrypted (and a node with another key can neither read nor join);</li>
 * <li>AUTH with {@link SecretToken}, so that the coordinator refuses a joiner without the secret;</li>
 * <li>UNICAST3: reliable, ordered delivery between two members (the order of sends from one
 * process to another).</li>
 * </ul>
 * Listed bottom (the transport) first, as {@code new JChannel(Protocol...)} takes them.
 */
final class Stack {

    private Stack() {
    }

    static List<Protocol> build(ClusterSettings s) throws UnknownHostException {
        InetAddress bind = InetAddress.getByName(s.bindAddress());
        List<Protocol> out = new ArrayList<>();
        TCP tcp = new TCP();
        tcp.setValue("bind_addr", bind);
        tcp.setValue("bind_port", s.port());
        tcp.setValue("port_range", 0);
        tcp.setBufferedInputStreamSize(65536).setBufferedOutputStreamSize(65536);
        // The default bundler drops a message when its queue is full and leaves it to UNICAST3's
        // retransmission (half a second later): under a burst that cut fan-in to a fifth. A sender
        // that waits for room is what a mailbox wants; nothing is dropped on the way out.
        PerDestinationBundler bundler = new PerDestinationBundler();
        bundler.dropWhenFull(false);
        tcp.setBundler(bundler);
        out.add(tcp);
        out.add(new TCPPING().setInitialHosts(s.peers()).setPortRange(0));
        out.add(new MERGE3().setMinInterval(s.mergeMin().toMillis()).setMaxInterval(s.mergeMax().toMillis()));
        FD_SOCK2 sock = new FD_SOCK2();
        sock.setValue("bind_addr", bind);
        out.add(sock);
        out.add(new FD_ALL3().setTimeout(s.failureTimeout().toMillis()).setInterval(s.heartbeat().toMillis()));
        out.add(new VERIFY_SUSPECT2().setTimeout(s.verifyTimeout().toMillis()));
        SYM_ENCRYPT encrypt = new SYM_ENCRYPT();
        encrypt.setSecretKey(Secrets.encryptionKey(s.secret(), s.cluster()));
        out.add(encrypt);
        NAKACK2 nakack = new NAKACK2();
        nakack.setValue("use_mcast_xmit", false);
        out.add(nakack);
        out.add(new UNICAST3());
        out.add(new STABLE());
        out.add(new AUTH().setAuthToken(new SecretToken(Secrets.joinMac(s.secret(), s.cluster()))));
        GMS gms = new GMS().setJoinTimeout(s.joinTimeout().toMillis()).setMaxJoinAttempts(s.joinAttempts());
        gms.setValue("print_local_addr", false);
        out.add(gms);
        out.add(new UFC());
        out.add(new FRAG4());
        return out;
    }
}

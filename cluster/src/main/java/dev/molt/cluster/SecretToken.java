package dev.molt.cluster;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.security.MessageDigest;

import org.jgroups.Message;
import org.jgroups.auth.AuthToken;

/**
 * JGroups' AUTH token of a Molt cluster: a MAC of the cluster's name under a key derived from the
 * shared secret. A joiner without the secret cannot make it, so the coordinator refuses its join.
 * (The token travels encrypted, above SYM_ENCRYPT, so it cannot be read off the wire and replayed.)
 *
 * <p>JGroups makes a receiving instance by its no-argument constructor and reads the MAC into it;
 * the instance set on AUTH, which holds the expected MAC, compares.
 */
public final class SecretToken extends AuthToken {

    private byte[] mac;

    public SecretToken() {
    }

    SecretToken(byte[] mac) {
        this.mac = mac.clone();
    }

    @Override
    public String getName() {
        return SecretToken.class.getName();
    }

    @Override
    public int size() {
        return 4 + (mac == null ? 0 : mac.length);
    }

    @Override
    public boolean authenticate(AuthToken token, Message msg) {
        return mac != null && token instanceof SecretToken other && other.mac != null
                && MessageDigest.isEqual(mac, other.mac); // constant time
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(mac == null ? 0 : mac.length);
        if (mac != null) {
            out.write(mac);
        }
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 64) {
            throw new IOException("an AUTH token of " + n + " bytes is not a Molt token");
        }
        mac = new byte[n];
        in.readFully(mac);
    }
}

package dev.molt.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys derived from the cluster's shared secret (PBKDF2 with HMAC-SHA256, salted with the cluster's
 * name and the key's use): one AES key for SYM_ENCRYPT, one MAC for AUTH. Two uses, two keys.
 */
final class Secrets {

    private static final int ITERATIONS = 120_000;

    private Secrets() {
    }

    static SecretKey encryptionKey(String secret, String cluster) {
        return new SecretKeySpec(derive(secret, cluster, "encrypt"), "AES");
    }

    static byte[] joinMac(String secret, String cluster) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(derive(secret, cluster, "auth"), "HmacSHA256"));
            return mac.doFinal(("molt-join:" + cluster).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] derive(String secret, String cluster, String use) {
        try {
            PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(),
                    ("molt-cluster:" + cluster + ":" + use).getBytes(StandardCharsets.UTF_8), ITERATIONS, 256);
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }
}

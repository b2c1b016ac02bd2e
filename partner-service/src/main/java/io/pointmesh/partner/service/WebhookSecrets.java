package io.pointmesh.partner.service;

import io.pointmesh.partner.config.WebhookConfig;
import io.pointmesh.platform.problem.ProblemException;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Webhook signing secrets at rest: AES-256-GCM under {@code pointmesh.webhooks.secret-key}, so a
 * copy of the database (a backup, a replica) cannot sign as the network. The secret must be kept
 * readable (the network signs with it), so it is encrypted, not hashed.
 */
@ApplicationScoped
public class WebhookSecrets {

    private static final Logger LOG = Logger.getLogger(WebhookSecrets.class);
    // dev and test only: the local stack and component tests need no Secret
    private static final String DEV_KEY = "cG9pbnRtZXNoLWRldi13ZWJob29rLWtleS0zMmJ5dGU=";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    WebhookConfig config;

    private SecretKeySpec key;

    void onStart(@Observes StartupEvent start) {
        String base64 = config.secretKey()
                .filter(k -> !k.isBlank())
                .orElse(LaunchMode.current() == LaunchMode.NORMAL ? null : DEV_KEY);
        if (base64 == null) {
            LOG.warn("pointmesh.webhooks.secret-key (POINTMESH_WEBHOOKS_SECRET_KEY) is not set: "
                    + "webhooks cannot be registered or delivered until it is");
            return;
        }
        byte[] bytes = Base64.getDecoder().decode(base64.strip());
        if (bytes.length != 32) {
            throw new IllegalStateException("pointmesh.webhooks.secret-key must be the base64 of 32 bytes");
        }
        key = new SecretKeySpec(bytes, "AES");
    }

    public String encrypt(String secret) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a webhook secret", e);
        }
    }

    public String decrypt(String stored) {
        try {
            byte[] in = Base64.getDecoder().decode(stored);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(128, in, 0, 12));
            return new String(cipher.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt a webhook secret (was the key changed?)", e);
        }
    }

    /** Whether deliveries can be signed at all (the key is configured). */
    public boolean configured() {
        return key != null;
    }

    private SecretKeySpec key() {
        if (key == null) {
            throw ProblemException.unavailable(
                    "webhooks-not-configured", "webhooks are not configured on this deployment", 3600);
        }
        return key;
    }
}

package io.pointmesh.events.partner;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A campaign's A/B split, decided from the member id alone, so that the ledger (which pays the
 * treatment group) and analytics (which measures treatment against control) always agree:
 * the member is in the treatment group when the first 32 bits of SHA-256("campaignId:memberId"),
 * as an unsigned fraction of 2^32, fall below the treatment share.
 */
public final class CampaignAssignment {

    private CampaignAssignment() {}

    public static boolean inTreatment(String campaignId, String memberId, BigDecimal treatmentShare) {
        if (treatmentShare == null || treatmentShare.compareTo(BigDecimal.ONE) >= 0) {
            return true;
        }
        if (treatmentShare.signum() <= 0) {
            return false;
        }
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256")
                    .digest((campaignId + ":" + memberId).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long bucket = ((digest[0] & 0xffL) << 24)
                | ((digest[1] & 0xffL) << 16)
                | ((digest[2] & 0xffL) << 8)
                | (digest[3] & 0xffL);
        return BigDecimal.valueOf(bucket).compareTo(treatmentShare.multiply(BigDecimal.valueOf(1L << 32))) < 0;
    }
}

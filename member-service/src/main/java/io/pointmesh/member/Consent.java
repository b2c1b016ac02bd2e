package io.pointmesh.member;

import io.pointmesh.events.member.ConsentChanged;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A member's current consent choices; each change is also kept, with its time, in
 * {@code consent_change}, and published whole as {@code member.consent-changed}.
 * Everything starts refused: consent is given, never assumed.
 */
@Entity
@Table(name = "consent")
public class Consent extends PanacheEntityBase {

    /** The consent keys of the API, in order. */
    public static final List<String> KEYS = List.of(
            "marketingSms",
            "marketingEmail",
            "marketingPush",
            "personalization",
            "shareWithAllPartners",
            "sharedPartnerIds");

    @Id
    @Column(name = "member_id")
    public String memberId;

    @Column(name = "marketing_sms")
    public boolean marketingSms;

    @Column(name = "marketing_email")
    public boolean marketingEmail;

    @Column(name = "marketing_push")
    public boolean marketingPush;

    public boolean personalization;

    @Column(name = "share_with_all_partners")
    public boolean shareWithAllPartners;

    /** Comma separated, sorted. */
    @Column(name = "shared_partner_ids")
    public String sharedPartnerIds = "";

    @Column(name = "updated_at")
    public Instant updatedAt;

    public List<String> sharedPartners() {
        return sharedPartnerIds == null || sharedPartnerIds.isEmpty()
                ? List.of()
                : Arrays.asList(sharedPartnerIds.split(","));
    }

    public void shareWith(Set<String> partnerIds) {
        sharedPartnerIds = String.join(",", partnerIds.stream().sorted().toList());
    }

    /** Whether the member lets this partner see their details. */
    public boolean sharesWith(String partnerId) {
        return shareWithAllPartners || sharedPartners().contains(partnerId);
    }

    public ConsentChanged event() {
        return new ConsentChanged(
                memberId,
                marketingSms,
                marketingEmail,
                marketingPush,
                personalization,
                shareWithAllPartners,
                sharedPartners());
    }
}

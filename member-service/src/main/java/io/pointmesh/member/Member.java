package io.pointmesh.member;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A member of the network, with the personal data only member-service holds. The id is the
 * identity provider's subject, the same id the ledger and analytics know the member by.
 */
@Entity
@Table(name = "member")
public class Member extends PanacheEntityBase {

    @Id
    public String id;

    /** The identity provider's account of the member (the token's subject): equal to the id. */
    public String subject;

    public String name;

    @Column(name = "mobile_number")
    public String mobileNumber;

    public String email;

    @Column(name = "birth_year")
    public Integer birthYear;

    public String gender;

    public String region;

    @Column(name = "referral_code")
    public String referralCode;

    @Column(name = "referred_by")
    public String referredBy;

    @Enumerated(EnumType.STRING)
    public MemberStatus status;

    public String grade;

    public String segment;

    @Column(name = "net_spend_12m")
    public BigDecimal netSpend12Months;

    @Column(name = "grade_as_of")
    public LocalDate gradeAsOf;

    @Column(name = "joined_at")
    public Instant joinedAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "left_at")
    public Instant leftAt;

    @Version
    public long version;

    /** Leaving: everything that identifies the person goes; the bare id and dates stay. */
    public void erase(Instant now) {
        name = null;
        mobileNumber = null;
        email = null;
        birthYear = null;
        gender = null;
        region = null;
        referralCode = null;
        status = MemberStatus.LEFT;
        leftAt = now;
        updatedAt = now;
    }
}

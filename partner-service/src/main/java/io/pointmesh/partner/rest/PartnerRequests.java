package io.pointmesh.partner.rest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request bodies of the partner API (field names are a public contract). */
public final class PartnerRequests {

    private PartnerRequests() {}

    public record SettlementAccount(
            @NotBlank @Size(max = 40) String bank,

            @NotBlank @Pattern(regexp = "[0-9-]{6,30}", message = "must be 6 to 30 digits and dashes")
            String accountNumber,

            @NotBlank @Size(max = 100) String accountHolder) {}

    public record RegisterPartner(
            @NotBlank @Size(max = 200) String legalName,
            @NotBlank @Size(max = 12) String businessRegistrationNumber,

            @NotBlank
            @Pattern(regexp = "[a-z][a-z0-9-]{1,39}", message = "must be a lower-case slug such as 'convenience-store'")
            String category,

            @NotBlank @Email @Size(max = 254) String contactEmail,
            @NotNull @Valid SettlementAccount settlementAccount) {}
}

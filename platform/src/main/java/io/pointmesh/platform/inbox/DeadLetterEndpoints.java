package io.pointmesh.platform.inbox;

import io.pointmesh.platform.inbox.DeadLetters.DeadLetter;
import io.pointmesh.platform.inbox.DeadLetters.DeadLetterPage;
import io.pointmesh.platform.inbox.DeadLetters.DeadLetterStatus;
import io.pointmesh.platform.openapi.ProblemResponses;
import io.pointmesh.platform.security.Roles;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Operators: the dead letters of one service ({@link DeadLetters}). Each service serves these under its own API
 * root with a subclass that only names the path (e.g. {@code /ledger/v1/dead-letters}).
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public abstract class DeadLetterEndpoints {

    static final String REPLAYED_EXAMPLE =
            "{\"id\": 42, \"status\": \"REPLAYED\", \"channel\": \"member-events\", \"sourceTopic\": \"member.events\", \"sourcePartition\": 3, \"sourceOffset\": 1187, \"key\": \"0193a2f4-7c1e-7b55-9d0e-4a1f2b3c4d5e\", \"eventId\": \"0193a2f5-1a2b-7c3d-8e4f-5a6b7c8d9e0f\", \"eventType\": \"member.joined\", \"payload\": \"{...}\", \"reason\": \"duplicate key value violates unique constraint\", \"failureClass\": \"org.postgresql.util.PSQLException\", \"deadAt\": \"2026-11-27T01:02:03Z\", \"parkedAt\": \"2026-11-27T01:02:04Z\", \"replayAttempts\": 1, \"outcome\": \"APPLIED\", \"resolvedAt\": \"2026-11-27T09:00:00Z\", \"resolvedBy\": \"ops-kim\"}";
    static final String DISCARDED_EXAMPLE =
            "{\"id\": 42, \"status\": \"DISCARDED\", \"channel\": \"member-events\", \"sourceTopic\": \"member.events\", \"sourcePartition\": 3, \"sourceOffset\": 1187, \"key\": \"0193a2f4-7c1e-7b55-9d0e-4a1f2b3c4d5e\", \"eventId\": \"0193a2f5-1a2b-7c3d-8e4f-5a6b7c8d9e0f\", \"eventType\": \"member.joined\", \"payload\": \"{...}\", \"reason\": \"duplicate key value violates unique constraint\", \"failureClass\": \"org.postgresql.util.PSQLException\", \"deadAt\": \"2026-11-27T01:02:03Z\", \"parkedAt\": \"2026-11-27T01:02:04Z\", \"replayAttempts\": 1, \"resolvedAt\": \"2026-11-27T09:00:00Z\", \"resolvedBy\": \"ops-kim\", \"discardReason\": \"a test record sent by mistake\"}";

    @Inject
    DeadLetters letters;

    @Inject
    SecurityIdentity identity;

    /** Why an operator discards a letter: kept with it. */
    @RegisterForReflection
    public record DiscardRequest(@NotBlank @Size(max = 500) String reason) {}

    @GET
    @RolesAllowed(Roles.OPERATOR)
    @SecurityRequirement(name = "SecurityScheme", scopes = Roles.OPERATOR)
    @Operation(
            summary = "The records this service's consumers gave up on, oldest first; `status` PARKED for those "
                    + "waiting for an operator")
    @Extension(name = ProblemResponses.EXTENSION, value = "400 validation-failed")
    public DeadLetterPage listDeadLetters(
            @QueryParam("status") @Pattern(regexp = "PARKED|REPLAYED|DISCARDED") String status,
            @QueryParam("after") @DefaultValue("0") @Min(0) long after,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        return letters.list(status == null ? null : DeadLetterStatus.valueOf(status), after, limit);
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Roles.OPERATOR)
    @SecurityRequirement(name = "SecurityScheme", scopes = Roles.OPERATOR)
    @Operation(summary = "One dead letter: the record, why it failed, and what became of it")
    @Extension(name = ProblemResponses.EXTENSION, value = "404 not-found")
    public DeadLetter getDeadLetter(@PathParam("id") long id) {
        return letters.get(id);
    }

    @POST
    @Path("{id}/replay")
    @APIResponse(
            responseCode = "200",
            description = "The letter, replayed (a letter replayed before is answered as it is)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DeadLetter.class),
                            examples = @ExampleObject(name = "answer", value = REPLAYED_EXAMPLE)))
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.OPERATOR)
    @SecurityRequirement(name = "SecurityScheme", scopes = Roles.OPERATOR)
    @Operation(
            summary = "Apply the letter again through the consumer that gave up on it (once the cause is fixed); "
                    + "at most once, however often asked")
    @Extension(
            name = ProblemResponses.EXTENSION,
            value = "404 not-found; 409 dead-letter-still-fails dead-letter-discarded dead-letter-replaying "
                    + "dead-letter-older-parked dead-letter-unknown-type dead-letter-no-channel dead-letter-erased; "
                    + "503 dead-letter-replay-pending")
    public DeadLetter replayDeadLetter(@PathParam("id") long id) {
        return letters.replay(id, operator());
    }

    @POST
    @Path("{id}/discard")
    @APIResponse(
            responseCode = "200",
            description = "The letter, discarded (a letter discarded before is answered as it is)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DeadLetter.class),
                            examples = @ExampleObject(name = "answer", value = DISCARDED_EXAMPLE)))
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = DiscardRequest.class),
                            examples =
                                    @ExampleObject(
                                            name = "discard",
                                            value = "{\"reason\": \"a test record sent by mistake\"}")))
    @RolesAllowed(Roles.OPERATOR)
    @SecurityRequirement(name = "SecurityScheme", scopes = Roles.OPERATOR)
    @Operation(summary = "Decide that a parked letter is not to be applied, with the reason")
    @Extension(
            name = ProblemResponses.EXTENSION,
            value =
                    "400 validation-failed; 404 not-found; 409 dead-letter-replayed dead-letter-replaying dead-letter-applied")
    public DeadLetter discardDeadLetter(@PathParam("id") long id, @NotNull @Valid DiscardRequest body) {
        return letters.discard(id, body.reason(), operator());
    }

    private String operator() {
        return identity.getPrincipal().getName();
    }
}

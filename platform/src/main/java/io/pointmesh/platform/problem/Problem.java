package io.pointmesh.platform.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * An RFC 9457 (formerly 7807) problem detail, sent as {@code application/problem+json}.
 *
 * @param type     a URI naming the kind of problem; {@code urn:pointmesh:problem:<code>} for ours
 * @param title    short and the same for every occurrence of the type
 * @param status   the HTTP status
 * @param detail   this occurrence, for a person
 * @param instance the request path
 * @param code     extension: the stable machine-readable code (the type's last part)
 * @param errors   extension: one entry per invalid field, for validation problems
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type, String title, int status, String detail, String instance, String code, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One invalid input: where ({@code field}, a property path) and what is wrong with it. */
    @RegisterForReflection
    public record FieldError(String field, String message) {}
}

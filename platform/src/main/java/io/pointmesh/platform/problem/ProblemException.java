package io.pointmesh.platform.problem;

import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * A request the service refuses for a reason the caller can act on. Thrown (or returned as a
 * failed Uni) anywhere; {@link ProblemMappers} turns it into a problem response. Throwing it
 * inside a transaction rolls the transaction back, so a refused request changes nothing.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final List<Problem.FieldError> errors;
    /** Seconds the caller should wait before trying again (a Retry-After header), or 0. */
    private final long retryAfterSeconds;

    public ProblemException(Response.Status status, String code, String title, String detail) {
        this(status.getStatusCode(), code, title, detail, null);
    }

    public ProblemException(int status, String code, String title, String detail, List<Problem.FieldError> errors) {
        this(status, code, title, detail, errors, 0);
    }

    private ProblemException(
            int status,
            String code,
            String title,
            String detail,
            List<Problem.FieldError> errors,
            long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.errors = errors;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429: the caller is slowed down; it may try again after {@code retryAfterSeconds}. */
    public static ProblemException tooManyRequests(String code, String detail, long retryAfterSeconds) {
        return new ProblemException(429, code, "Too many requests", detail, null, Math.max(1, retryAfterSeconds));
    }

    /** 503: a dependency or a resource is busy or down, not the caller's fault; try again after {@code retryAfterSeconds}. */
    public static ProblemException unavailable(String code, String detail, long retryAfterSeconds) {
        return new ProblemException(503, code, "Service unavailable", detail, null, Math.max(1, retryAfterSeconds));
    }

    /** 423: the resource is locked for a while (e.g. spending after wrong PINs); try again after {@code retryAfterSeconds}. */
    public static ProblemException locked(String code, String detail, long retryAfterSeconds) {
        return new ProblemException(423, code, "Locked", detail, null, Math.max(1, retryAfterSeconds));
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(Response.Status.BAD_REQUEST, code, "Invalid request", detail);
    }

    public static ProblemException invalidField(String field, String message) {
        return new ProblemException(
                400,
                "validation-failed",
                "Invalid request",
                field + ": " + message,
                List.of(new Problem.FieldError(field, message)));
    }

    public static ProblemException notFound(String what, String id) {
        return new ProblemException(
                Response.Status.NOT_FOUND, "not-found", "Not found", what + " " + id + " does not exist");
    }

    public static ProblemException conflict(String code, String detail) {
        return new ProblemException(Response.Status.CONFLICT, code, "Conflict", detail);
    }

    public static ProblemException unprocessable(String code, String title, String detail) {
        return new ProblemException(422, code, title, detail, null);
    }

    public static ProblemException forbidden(String code, String detail) {
        return new ProblemException(Response.Status.FORBIDDEN, code, "Forbidden", detail);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

package io.pointmesh.platform.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error leaves every service as an RFC 9457 problem detail with the right status. Nothing
 * internal (stack traces, SQL) is ever sent: unexpected failures are logged with an id that the
 * response carries.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Problem p = describe(e, uri == null ? null : uri.getPath());
        Response response =
                Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
        if (e.retryAfterSeconds() > 0) {
            response.getHeaders().putSingle("Retry-After", String.valueOf(e.retryAfterSeconds()));
        }
        return response;
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(field(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
        return respond(400, "validation-failed", "Invalid request", detail, uri, errors);
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        String detail = "the request body is not valid JSON for this operation";
        List<Problem.FieldError> errors = null;
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            String message = e instanceof InvalidFormatException f
                    ? "cannot be read as " + f.getTargetType().getSimpleName()
                    : "has the wrong type";
            errors = List.of(new Problem.FieldError(field, message));
            detail = field + ": " + message;
        }
        return respond(400, "malformed-body", "Malformed request body", detail, uri, errors);
    }

    // quarkus-rest-jackson maps this subtype itself (plain JSON); ours must be at least as specific.
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return unreadable(e, uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadable(json, uri);
        }
        Response.Status.Family family = Response.Status.Family.familyOf(status);
        if (family != Response.Status.Family.CLIENT_ERROR) {
            return unexpected(e, uri);
        }
        if (e instanceof jakarta.ws.rs.NotFoundException && e.getCause() != null) {
            Response invalid = unreadableQueryParameter(e.getCause(), uri);
            if (invalid != null) {
                return invalid;
            }
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type != null ? type.getReasonPhrase() : "Client error";
        return respond(status, title.toLowerCase().replace(' ', '-'), title, e.getMessage(), uri, null);
    }

    /**
     * RESTEasy answers a query (or path) parameter it cannot convert (a limit of "ten", a bad UUID) as 404, as
     * JAX-RS says, with the conversion's failure as the cause. A path that names nothing is 404; a query parameter
     * that cannot be read is the client's malformed request: 400, naming it. Only when the value the conversion
     * quotes is a query parameter's and no path parameter's; otherwise null (404 stays).
     */
    private static Response unreadableQueryParameter(Throwable cause, UriInfo uri) {
        String failure = String.valueOf(cause.getMessage());
        try {
            for (var param : uri.getPathParameters().entrySet()) {
                for (String value : param.getValue()) {
                    if (quotes(failure, value)) {
                        return null;
                    }
                }
            }
            for (var param : uri.getQueryParameters().entrySet()) {
                for (String value : param.getValue()) {
                    if (quotes(failure, value)) {
                        String field = param.getKey();
                        String message = "cannot be read as the type this parameter takes";
                        return respond(
                                400,
                                "validation-failed",
                                "Invalid request",
                                field + ": " + message,
                                uri,
                                List.of(new Problem.FieldError(field, message)));
                    }
                }
            }
        } catch (RuntimeException undecodable) {
            return null; // a query that cannot even be decoded (%zz): the 404 RESTEasy chose stays
        }
        return null;
    }

    /** Whether a conversion's failure names the value: "For input string: \"ten\"", "Invalid UUID string: x". */
    private static boolean quotes(String failure, String value) {
        return !value.isEmpty()
                && (failure.contains("\"" + value + "\"")
                        || failure.endsWith(": " + value)
                        || failure.endsWith("." + value)); // "No enum constant io.pointmesh.….PartnerStatus.FOO"
    }

    // Security failures keep their statuses (401 with the WWW-Authenticate challenge Quarkus adds).
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(UriInfo uri) {
        return Response.status(401)
                .type(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", "Bearer")
                .entity(problem(401, "unauthorized", "Unauthorized", "a valid bearer token is required", uri, null))
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(403, "forbidden", "Forbidden", "the token does not allow this operation", uri, null);
    }

    /**
     * A unique or check constraint caught what a service's own checks let through (two identical
     * requests racing): a conflict, and nothing was written.
     */
    @ServerExceptionMapper
    public Response persistence(jakarta.persistence.PersistenceException e, UriInfo uri) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // a row changed since it was read (@Version): the request raced another; nothing was written
            if (t instanceof jakarta.persistence.OptimisticLockException
                    || t instanceof org.hibernate.StaleStateException) {
                return respond(
                        409,
                        "conflict",
                        "Conflict",
                        "the resource changed while this request was being applied; read it again",
                        uri,
                        null);
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException c) {
                return respond(
                        409,
                        "conflict",
                        "Conflict",
                        "the request conflicts with the current state"
                                + (c.getConstraintName() == null ? "" : " (" + c.getConstraintName() + ")"),
                        uri,
                        null);
            }
        }
        return unexpected(e, uri);
    }

    /**
     * Anything else. A dependency that is down (the database, its pool) is not a bug: 503 with
     * Retry-After, so that clients retry. Every other failure is a bug: 500, logged as
     * "unexpected failure" with the reference the answer carries (./pointmesh test fails on any).
     */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        Problem p = describe(e, uri == null ? null : uri.getPath());
        Response r =
                Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
        if (p.status() == 503) {
            r.getHeaders().putSingle("Retry-After", "5");
        }
        return r;
    }

    /**
     * The problem a failure answers with, for answers that carry several (one per item of a batch):
     * the refusal itself, 503 when a dependency is down, else a bug (500, logged as "unexpected
     * failure" with the reference the problem carries, as {@link #unexpected} does).
     */
    public static Problem describe(RuntimeException e, String instance) {
        if (e instanceof ProblemException p) {
            return problem(p.status(), p.code(), p.title(), p.getMessage(), instance, p.errors());
        }
        if (unstorableText(e)) {
            return problem(
                    400,
                    "invalid-characters",
                    "Invalid request",
                    "a text field holds a character that cannot be stored (NUL)",
                    instance,
                    null);
        }
        if (dependencyDown(e)) {
            LOG.warnf("%s: a dependency is unavailable (%s)", instance == null ? "" : instance, e.toString());
            return problem(
                    503,
                    "unavailable",
                    "Service unavailable",
                    "a dependency of the service is unavailable; retry shortly",
                    instance,
                    null);
        }
        String id = java.util.UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected failure %s on %s", id, instance == null ? "" : instance);
        return problem(500, "internal-error", "Internal error", "unexpected failure, reference " + id, instance, null);
    }

    /**
     * A text value PostgreSQL cannot hold (a NUL character), refused by the driver before the
     * statement ran: the caller's input, not a bug, and nothing was written.
     */
    static boolean unstorableText(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s
                    && ("22021".equals(s.getSQLState())
                            || ("22023".equals(s.getSQLState())
                                    && String.valueOf(s.getMessage()).contains("Zero bytes")))) {
                return true;
            }
        }
        return false;
    }

    /** The database (or its pool) cannot be reached: connection refused or lost, server shutting down, pool exhausted. */
    static boolean dependencyDown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException
                    || t instanceof java.net.http.HttpTimeoutException
                    || t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
            if (t instanceof java.sql.SQLException s
                    && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08")
                            || s.getSQLState().startsWith("57P")
                            || s.getSQLState().startsWith("53"))) {
                return true;
            }
            String message = String.valueOf(t.getMessage());
            if (message.contains("Acquisition timeout")
                    || message.contains("Connection refused")
                    || message.contains("Connection is closed")
                    || message.contains("connection has been closed")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static Response respond(
            int status, String code, String title, String detail, UriInfo uri, List<Problem.FieldError> errors) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(problem(status, code, title, detail, uri, errors))
                .build();
    }

    private static Problem problem(
            int status, String code, String title, String detail, UriInfo uri, List<Problem.FieldError> errors) {
        return problem(status, code, title, detail, uri == null ? null : uri.getPath(), errors);
    }

    private static Problem problem(
            int status, String code, String title, String detail, String instance, List<Problem.FieldError> errors) {
        return new Problem("urn:pointmesh:problem:" + code, title, status, detail, instance, code, errors);
    }

    /**
     * The field as the caller knows it: "earn.request.amount" (method, parameter, property) is
     * "amount"; a lone query parameter keeps its own name.
     */
    private static String field(ConstraintViolation<?> v) {
        List<Path.Node> nodes = new java.util.ArrayList<>();
        v.getPropertyPath().forEach(nodes::add);
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Path.Node node = nodes.get(i);
            boolean paramWithProperties = node.getKind() == ElementKind.PARAMETER && i < nodes.size() - 1;
            if (node.getKind() == ElementKind.METHOD || paramWithProperties || node.getName() == null) {
                continue;
            }
            names.add(node.getIndex() != null ? node.getName() + "[" + node.getIndex() + "]" : node.getName());
        }
        return names.isEmpty() ? "request" : String.join(".", names);
    }
}

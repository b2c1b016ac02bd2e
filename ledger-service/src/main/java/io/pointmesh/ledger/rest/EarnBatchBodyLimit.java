package io.pointmesh.ledger.rest;

import io.pointmesh.ledger.config.LedgerConfig;
import io.pointmesh.platform.problem.ProblemException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * A batch body is refused by its declared length before it is read: read first, a body of millions
 * of empty items (the service-wide limit is 10 MB) would fill the heap before the item count could
 * refuse it. 411 without a Content-Length, 413 above {@code pointmesh.ledger.earn-batch.max-body-bytes}.
 */
@Provider
@PreMatching
public class EarnBatchBodyLimit implements ContainerRequestFilter {

    static final String PATH = "/ledger/v1/earnings/batch";

    // looked up per request: providers are created before the runtime configuration is mapped
    @Inject
    Instance<LedgerConfig> config;

    /**
     * The path as the router matches it: it also takes "/batch/" (one trailing slash), and "//" or
     * matrix parameters (";x") must not take a request around this check either.
     */
    static String normalized(String path) {
        if (path == null) {
            return "";
        }
        String p = REPEATED_SLASHES
                .matcher(MATRIX_PARAMETERS.matcher(path).replaceAll(""))
                .replaceAll("/");
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static final java.util.regex.Pattern MATRIX_PARAMETERS = java.util.regex.Pattern.compile(";[^/]*");
    private static final java.util.regex.Pattern REPEATED_SLASHES = java.util.regex.Pattern.compile("/{2,}");

    @Override
    public void filter(ContainerRequestContext request) {
        if (!"POST".equals(request.getMethod())) {
            return;
        }
        String path = request.getUriInfo().getPath();
        // every lone earning passes here: only a path that can be the batch's is normalised
        if (path == null || !path.contains("batch") || !PATH.equals(normalized(path))) {
            return;
        }
        String declared = request.getHeaderString("Content-Length");
        if (declared == null) {
            throw new ProblemException(
                    411, "length-required", "Length required", "a batch must declare its Content-Length", null);
        }
        long length;
        try {
            length = Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("invalid-content-length", "Content-Length is not a number");
        }
        int max = config.get().earnBatch().maxBodyBytes();
        if (length > max) {
            throw new ProblemException(
                    413,
                    "batch-too-large",
                    "Batch too large",
                    "a batch body is at most " + max + " bytes; send fewer purchases per request",
                    null);
        }
    }
}

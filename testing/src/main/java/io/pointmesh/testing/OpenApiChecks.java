package io.pointmesh.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a service's OpenAPI document must say of every operation (docs/api.md): each 2xx answer's
 * body schema (none only for 204), an example answer for every write, and every problem answer as
 * {@code application/problem+json} with the {@code Problem} schema and its codes
 * ({@code x-problem-codes}): 401 and 403 when secured, 400 when it takes a body, 503 always.
 */
public final class OpenApiChecks {

    private static final Set<String> WRITES = Set.of("post", "put", "patch", "delete");

    private OpenApiChecks() {}

    /** The gaps of the document, one line each ("POST /ledger/v1/earnings: no example answer"); empty when complete. */
    public static List<String> gaps(JsonNode document) {
        List<String> gaps = new ArrayList<>();
        if (document.path("components").path("schemas").path("Problem").isMissingNode()) {
            gaps.add("no Problem schema");
        }
        for (Iterator<Map.Entry<String, JsonNode>> paths =
                        document.path("paths").fields();
                paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (path.getKey().startsWith("/q/")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!Set.of("get", "post", "put", "patch", "delete").contains(op.getKey())) {
                    continue;
                }
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                check(name, op.getKey(), op.getValue(), gaps);
            }
        }
        return gaps;
    }

    private static void check(String name, String method, JsonNode op, List<String> gaps) {
        JsonNode responses = op.path("responses");
        boolean success = false;
        boolean example = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            String status = r.getKey();
            if (status.startsWith("2")) {
                success = true;
                if (status.equals("204")) {
                    example = true;
                    continue;
                }
                JsonNode content = r.getValue().path("content");
                if (content.isEmpty()) {
                    gaps.add(name + ": " + status + " has no body schema");
                    continue;
                }
                for (JsonNode media : content) {
                    JsonNode schema = media.path("schema");
                    if (schema.isMissingNode() || schema.isEmpty()) {
                        gaps.add(name + ": " + status + " has an empty schema");
                    }
                    example |= media.has("example") || media.path("examples").size() > 0;
                }
            } else if (status.startsWith("4") || status.startsWith("5")) {
                JsonNode problem = r.getValue().path("content").path("application/problem+json");
                if (!problem.path("schema").path("$ref").asText().endsWith("/Problem")) {
                    gaps.add(name + ": " + status + " is not a problem answer");
                }
                if (!op.path("x-problem-codes").has(status)) {
                    gaps.add(name + ": " + status + " has no problem codes");
                }
            }
        }
        if (!success) {
            gaps.add(name + ": no 2xx answer");
        }
        if (WRITES.contains(method) && !example) {
            gaps.add(name + ": no example answer");
        }
        boolean secured = op.path("security").size() > 0;
        for (String status : secured ? List.of("401", "403", "503") : List.of("503")) {
            if (!responses.has(status)) {
                gaps.add(name + ": no " + status + " answer");
            }
        }
        if (op.has("requestBody") && !responses.has("400")) {
            gaps.add(name + ": takes a body but documents no 400");
        }
    }
}

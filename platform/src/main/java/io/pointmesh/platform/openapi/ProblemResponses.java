package io.pointmesh.platform.openapi;

import io.pointmesh.platform.problem.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Every operation's problem answers in the OpenAPI document, as {@code application/problem+json}
 * with the {@code Problem} schema, the stable codes and an example (docs/api.md, "Problems").
 *
 * <p>An operation names what it can refuse with, by status, in the extension
 * {@value #EXTENSION} ({@code "409 idempotency-key-reused; 422 unknown-member inactive-partner"}),
 * written beside the code that throws it; this filter turns that into responses. What every
 * operation can answer is added to each: 401 {@code unauthorized} and 403 {@code forbidden} when it
 * is secured, 400 {@code malformed-body} and {@code validation-failed} when it takes a body, and 503
 * {@code unavailable} (a dependency is down; retry later with the same idempotency key). The
 * extension stays in the document, so a client generator or a partner's code can read the codes.
 *
 * <p>It also makes operation ids unique: they are the Java method's name
 * ({@code quarkus.smallrye-openapi.operation-id-strategy=METHOD}: {@code earn}, {@code hold},
 * {@code capture}), which is what the generated client's methods are called; where two resources
 * share a name ({@code get} of an earning and of a redemption), each gets its tag appended
 * ({@code getEarnings}, {@code getRedemptions}).
 */
public class ProblemResponses implements OASFilter {

    public static final String EXTENSION = "x-problem-codes";
    static final String SCHEMA = "Problem";

    @Override
    public Operation filterOperation(Operation operation) {
        Map<String, List<String>> codes = new TreeMap<>();
        Object declared = operation.getExtensions() == null
                ? null
                : operation.getExtensions().get(EXTENSION);
        if (declared != null) {
            codes.putAll(parse(declared.toString()));
        }
        if (operation.getSecurity() != null && !operation.getSecurity().isEmpty()) {
            codes.computeIfAbsent("401", s -> new ArrayList<>()).add("unauthorized");
            codes.computeIfAbsent("403", s -> new ArrayList<>()).add("forbidden");
        }
        if (operation.getRequestBody() != null) {
            List<String> bad = codes.computeIfAbsent("400", s -> new ArrayList<>());
            bad.add(0, "validation-failed");
            bad.add(0, "malformed-body");
        }
        codes.computeIfAbsent("503", s -> new ArrayList<>()).add("unavailable");
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        Map<String, List<String>> extension = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : codes.entrySet()) {
            List<String> distinct = e.getValue().stream().distinct().toList();
            extension.put(e.getKey(), distinct);
            responses.addAPIResponse(e.getKey(), response(Integer.parseInt(e.getKey()), distinct));
        }
        operation.addExtension(EXTENSION, extension);
        return operation;
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        uniqueOperationIds(openAPI);
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        openAPI.getComponents()
                .addSchema(
                        SCHEMA,
                        OASFactory.createSchema()
                                .description("An RFC 9457 problem detail (application/problem+json)")
                                .addType(Schema.SchemaType.OBJECT)
                                .addProperty("type", string.description("urn:pointmesh:problem:<code>"))
                                .addProperty("title", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                                .addProperty("detail", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                                .addProperty(
                                        "instance", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                                .addProperty(
                                        "code",
                                        OASFactory.createSchema()
                                                .addType(Schema.SchemaType.STRING)
                                                .description("the stable, machine-readable code"))
                                .addProperty(
                                        "errors",
                                        OASFactory.createSchema()
                                                .addType(Schema.SchemaType.ARRAY)
                                                .description("one entry per invalid field (validation problems)")
                                                .items(OASFactory.createSchema()
                                                        .addType(Schema.SchemaType.OBJECT)
                                                        .addProperty(
                                                                "field",
                                                                OASFactory.createSchema()
                                                                        .addType(Schema.SchemaType.STRING))
                                                        .addProperty(
                                                                "message",
                                                                OASFactory.createSchema()
                                                                        .addType(Schema.SchemaType.STRING))))
                                .required(List.of("type", "title", "status", "code")));
    }

    private static void uniqueOperationIds(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        List<Operation> all = new ArrayList<>();
        openAPI.getPaths()
                .getPathItems()
                .values()
                .forEach(item -> all.addAll(item.getOperations().values()));
        Map<String, Long> counts = new TreeMap<>();
        all.stream()
                .filter(o -> o.getOperationId() != null)
                .forEach(o -> counts.merge(o.getOperationId(), 1L, Long::sum));
        for (Operation o : all) {
            String id = o.getOperationId();
            if (id != null
                    && counts.get(id) > 1
                    && o.getTags() != null
                    && !o.getTags().isEmpty()) {
                o.setOperationId(id + camel(o.getTags().get(0)));
            }
        }
    }

    private static String camel(String tag) {
        StringBuilder out = new StringBuilder();
        for (String word : tag.split("[^A-Za-z0-9]+")) {
            if (!word.isEmpty()) {
                out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return out.toString();
    }

    /** "409 a b; 422 c" -> {409: [a, b], 422: [c]}. */
    static Map<String, List<String>> parse(String declared) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String part : declared.split(";")) {
            String[] words = part.trim().split("\\s+");
            if (words.length < 2 || !words[0].matches("[45][0-9][0-9]")) {
                throw new IllegalArgumentException("x-problem-codes: expected \"<status> <code>...\", got: " + part);
            }
            List<String> list = out.computeIfAbsent(words[0], s -> new ArrayList<>());
            for (int i = 1; i < words.length; i++) {
                list.add(words[i]);
            }
        }
        return out;
    }

    private static APIResponse response(int status, List<String> codes) {
        String first = codes.get(0);
        Map<String, Object> example = new LinkedHashMap<>();
        example.put("type", "urn:pointmesh:problem:" + first);
        example.put("title", title(first));
        example.put("status", status);
        example.put("detail", "what went wrong, for a person");
        example.put("instance", "/the/request/path");
        example.put("code", first);
        return OASFactory.createAPIResponse()
                .description("Problem: " + String.join(", ", codes))
                .content(OASFactory.createContent()
                        .addMediaType(
                                Problem.MEDIA_TYPE,
                                OASFactory.createMediaType()
                                        .schema(OASFactory.createSchema().ref(SCHEMA))
                                        .example(example)));
    }

    private static String title(String code) {
        String words = code.replace('-', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}

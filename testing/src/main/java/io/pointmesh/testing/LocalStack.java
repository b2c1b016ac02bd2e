package io.pointmesh.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The running local stack, as {@code ./pointmesh up} describes it in .pointmesh/local.json, with
 * real tokens from its Keycloak: for end-to-end tests, benchmarks and demo data.
 */
public final class LocalStack {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonNode local;

    private LocalStack(JsonNode local) {
        this.local = local;
    }

    /** Reads local.json ({@code POINTMESH_LOCAL_JSON}, else .pointmesh/local.json); fails if the stack was never brought up. */
    public static LocalStack connect() {
        String configured = System.getenv("POINTMESH_LOCAL_JSON");
        Path file = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : LocalInfra.stateDir().resolve("local.json");
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " does not exist: run ./pointmesh up first (./pointmesh test does)");
        }
        try {
            return new LocalStack(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    public JsonNode localJson() {
        return local;
    }

    /** A service's base URL: member, partner, ledger or analytics. */
    public String url(String service) {
        return local.path("services").path(service).path("url").asText();
    }

    /** A token of the operator client (client credentials; realm role operator). */
    public String operatorToken() {
        return token(form(Map.of(
                "grant_type",
                "client_credentials",
                "client_id",
                local.path("operator").path("clientId").asText(),
                "client_secret",
                local.path("operator").path("clientSecret").asText())));
    }

    /** A client-credentials token for a confidential client (a partner's). */
    public String clientToken(String clientId, String clientSecret) {
        return token(
                form(Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", clientSecret)));
    }

    /** A member's token through the mobile app client (password grant: local stacks only). */
    public String memberToken(String username, String password) {
        return token(form(Map.of(
                "grant_type",
                "password",
                "client_id",
                local.path("mobileApp").path("clientId").asText(),
                "username",
                username,
                "password",
                password,
                "scope",
                "openid")));
    }

    /**
     * A staff member's token as the dashboard gets it: authorization code with PKCE through
     * Keycloak's real login page (the form is fetched, filled in and posted, as a browser would).
     */
    public String staffToken(String username, String password) {
        String clientId = "pointmesh-dashboard";
        String redirect = local.path("dashboard").path("url").asText(url("analytics") + "/dashboard/");
        try {
            byte[] random = new byte[32];
            new java.security.SecureRandom().nextBytes(random);
            String verifier = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            String challenge = java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            HttpClient browser = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            String auth = keycloakUrl() + "/realms/" + realm() + "/protocol/openid-connect/auth?"
                    + form(Map.of(
                            "client_id",
                            clientId,
                            "response_type",
                            "code",
                            "scope",
                            "openid",
                            "redirect_uri",
                            redirect,
                            "state",
                            UUID.randomUUID().toString(),
                            "code_challenge",
                            challenge,
                            "code_challenge_method",
                            "S256"));
            HttpResponse<String> page = browser.send(
                    HttpRequest.newBuilder(URI.create(auth)).GET().build(), HttpResponse.BodyHandlers.ofString());
            java.util.regex.Matcher action = java.util.regex.Pattern.compile(
                            "<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"|"
                                    + "<form[^>]*action=\"([^\"]+)\"[^>]*id=\"kc-form-login\"")
                    .matcher(page.body());
            if (page.statusCode() != 200 || !action.find()) {
                throw new IllegalStateException("no login form at " + auth + ": " + page.statusCode());
            }
            String postTo = (action.group(1) != null ? action.group(1) : action.group(2)).replace("&amp;", "&");
            // Keycloak marks its session cookies Secure; a browser sends them to 127.0.0.1 over plain HTTP
            // (a secure context), Java's cookie manager would not: they are sent back by hand, as a browser does
            String cookies = page.headers().allValues("Set-Cookie").stream()
                    .map(c -> c.split(";", 2)[0])
                    .collect(Collectors.joining("; "));
            HttpResponse<String> login = browser.send(
                    HttpRequest.newBuilder(URI.create(postTo))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header("Cookie", cookies)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    form(Map.of("username", username, "password", password, "credentialId", ""))))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String location = login.headers().firstValue("Location").orElse("");
            java.util.regex.Matcher code =
                    java.util.regex.Pattern.compile("[?&]code=([^&]+)").matcher(location);
            if (login.statusCode() != 302 || !code.find()) {
                throw new IllegalStateException(
                        "the login page did not sign " + username + " in: " + login.statusCode());
            }
            return token(form(Map.of(
                    "grant_type",
                    "authorization_code",
                    "client_id",
                    clientId,
                    "redirect_uri",
                    redirect,
                    "code",
                    java.net.URLDecoder.decode(code.group(1), StandardCharsets.UTF_8),
                    "code_verifier",
                    verifier)));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a Keycloak user in the pointmesh realm through the admin API; returns the user name. */
    public String createUser(String username, String password, String email) {
        return createUser(username, password, email, Map.of());
    }

    /**
     * A partner's or the operator's staff account for the dashboard: a user with the realm role
     * {@code partner} (and the admin-only {@code partner_id} attribute, which the dashboard client
     * puts in the token) or {@code operator}.
     */
    public String createStaffUser(String username, String password, String realmRole, String partnerId) {
        createUser(
                username,
                password,
                username + "@staff.example.com",
                partnerId == null ? Map.of() : Map.of("partner_id", partnerId));
        String admin = adminToken();
        String realmAdmin = keycloakUrl() + "/admin/realms/" + realm();
        try {
            JsonNode user = JSON.readTree(send(HttpRequest.newBuilder(
                                            URI.create(realmAdmin + "/users?exact=true&username="
                                                    + URLEncoder.encode(username, StandardCharsets.UTF_8)))
                                    .header("Authorization", "Bearer " + admin)
                                    .GET()
                                    .build())
                            .body())
                    .get(0);
            String role = send(HttpRequest.newBuilder(URI.create(realmAdmin + "/roles/" + realmRole))
                            .header("Authorization", "Bearer " + admin)
                            .GET()
                            .build())
                    .body();
            HttpResponse<String> r = send(HttpRequest.newBuilder(
                            URI.create(realmAdmin + "/users/" + user.path("id").asText() + "/role-mappings/realm"))
                    .header("Authorization", "Bearer " + admin)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("[" + role + "]"))
                    .build());
            if (r.statusCode() != 204) {
                throw new IllegalStateException(
                        "cannot give " + username + " the role " + realmRole + ": " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return username;
    }

    private String createUser(String username, String password, String email, Map<String, String> attributes) {
        String admin = adminToken();
        Map<String, Object> user = new java.util.LinkedHashMap<>();
        user.put("username", username);
        user.put("enabled", true);
        user.put("email", email);
        user.put("emailVerified", true);
        user.put("firstName", "Test");
        user.put("lastName", "Member");
        user.put("credentials", java.util.List.of(Map.of("type", "password", "value", password, "temporary", false)));
        Map<String, java.util.List<String>> attrs = new java.util.TreeMap<>();
        attributes.forEach((k, v) -> attrs.put(k, java.util.List.of(v)));
        user.put("attributes", attrs);
        String body;
        try {
            body = JSON.writeValueAsString(user);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpResponse<String> r =
                send(HttpRequest.newBuilder(URI.create(keycloakUrl() + "/admin/realms/" + realm() + "/users"))
                        .header("Authorization", "Bearer " + admin)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
        if (r.statusCode() != 201 && r.statusCode() != 409) {
            throw new IllegalStateException("cannot create user " + username + ": " + r.statusCode() + " " + r.body());
        }
        return username;
    }

    /** Whether the pointmesh realm has a user of this name (through the admin API). */
    public boolean userExists(String username) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(
                        URI.create(keycloakUrl() + "/admin/realms/" + realm() + "/users?exact=true&username="
                                + java.net.URLEncoder.encode(username, java.nio.charset.StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + adminToken())
                .GET()
                .build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("cannot look up user " + username + ": " + r.statusCode() + " " + r.body());
        }
        return !r.body().strip().equals("[]");
    }

    /** A new member account with a random name and password; answers its token. */
    public String newMemberToken() {
        String name = "e2e-" + UUID.randomUUID().toString().substring(0, 12);
        createUser(name, name + "-Pw1!", name + "@example.com");
        return memberToken(name, name + "-Pw1!");
    }

    private String adminToken() {
        HttpResponse<String> r =
                send(HttpRequest.newBuilder(URI.create(keycloakUrl() + "/realms/master/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
                                "grant_type",
                                "password",
                                "client_id",
                                "admin-cli",
                                "username",
                                LocalInfra.setting("POINTMESH_KEYCLOAK_ADMIN_USERNAME", "admin"),
                                "password",
                                LocalInfra.setting("POINTMESH_KEYCLOAK_ADMIN_PASSWORD", null)))))
                        .build());
        return accessToken(r);
    }

    private String token(String form) {
        return accessToken(send(HttpRequest.newBuilder(
                        URI.create(local.path("keycloak").path("tokenUrl").asText()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build()));
    }

    private static String accessToken(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token request refused: " + r.statusCode() + " " + r.body());
        }
        try {
            return JSON.readTree(r.body()).path("access_token").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String keycloakUrl() {
        return local.path("keycloak").path("url").asText();
    }

    private String realm() {
        return local.path("keycloak").path("realm").asText();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}

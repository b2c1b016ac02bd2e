package io.pointmesh.member;

import static io.restassured.RestAssured.given;

import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Members joining through the API, and a look into member-service's database. */
final class MemberFixture {

    private MemberFixture() {}

    static String subject() {
        return UUID.randomUUID().toString();
    }

    static String mobile() {
        return "+8210" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
    }

    static Map<String, Object> joinBody(String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("mobileNumber", mobile());
        body.put(
                "email",
                name.toLowerCase().replace(' ', '.') + "."
                        + UUID.randomUUID().toString().substring(0, 6) + "@example.com");
        body.put("birthYear", 1990);
        body.put("gender", "F");
        body.put("region", "Seoul");
        return body;
    }

    static ValidatableResponse join(String subject, Map<String, Object> body) {
        return given().auth()
                .oauth2(TestTokens.member(subject))
                .contentType(ContentType.JSON)
                .body(body)
                .post("/members/v1/me")
                .then();
    }

    /** Joins a new member; answers its subject. */
    static String joined() {
        String subject = subject();
        join(subject, joinBody("Kim Minji")).statusCode(201);
        return subject;
    }

    static ValidatableResponse me(String subject) {
        return given().auth()
                .oauth2(TestTokens.member(subject))
                .get("/members/v1/me")
                .then();
    }

    /** A connection of its own to member-service's database (to hold locks as a concurrent request would). */
    static Connection connect() throws SQLException {
        String url = "jdbc:postgresql://" + LocalInfra.HOST + ":" + LocalInfra.pgPort() + "/"
                + io.pointmesh.testing.PointmeshTestResource.testDatabase("member");
        return DriverManager.getConnection(url, "member", "member");
    }

    static List<String> rows(String sql) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}

package io.pointmesh.partner;

import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.PointmeshTestResource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads the test's own partner database directly: what the API answers is checked against the rows. */
final class TestDb {

    private TestDb() {}

    static long count(String sql, Object... params) {
        String url = "jdbc:postgresql://" + LocalInfra.HOST + ":" + LocalInfra.pgPort() + "/"
                + PointmeshTestResource.testDatabase("partner");
        try (Connection c = DriverManager.getConnection(url, "partner", "partner");
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

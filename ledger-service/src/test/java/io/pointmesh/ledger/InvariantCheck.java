package io.pointmesh.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointmesh.testing.LocalInfra;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads the ledger_invariant_violation view of the test database: it must be empty. */
final class InvariantCheck {

    private InvariantCheck() {}

    static void assertHolds(String database) {
        String url = "jdbc:postgresql://" + LocalInfra.HOST + ":" + LocalInfra.pgPort() + "/" + database;
        try (Connection c = DriverManager.getConnection(url, "ledger", "ledger");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT violation, account_id, detail FROM ledger_invariant_violation")) {
            List<String> violations = new ArrayList<>();
            while (rs.next()) {
                violations.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
            assertEquals(List.of(), violations, "ledger invariants");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

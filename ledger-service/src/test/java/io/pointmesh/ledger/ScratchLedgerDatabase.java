package io.pointmesh.ledger;

import io.pointmesh.testing.LocalInfra;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/** A fresh database with the ledger's real schema, for tests that run the ledger's code without the container. */
final class ScratchLedgerDatabase {

    private ScratchLedgerDatabase() {}

    static PGSimpleDataSource migrated(String database) {
        LocalInfra.ensureRunning();
        LocalInfra.recreateDatabase(database, "ledger");
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://" + LocalInfra.HOST + ":" + LocalInfra.pgPort() + "/" + database);
        ds.setUser("ledger");
        ds.setPassword("ledger");
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/platform", "classpath:db/migration")
                .load()
                .migrate();
        return ds;
    }
}

package io.pointmesh.platform.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointmesh.events.EventCodec;
import io.pointmesh.platform.sql.Transactions;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import javax.sql.DataSource;

/** Beans every service shares. */
@ApplicationScoped
public class PlatformBeans {

    /** Uses Quarkus's ObjectMapper, so events and REST bodies share one JSON configuration. */
    @Produces
    @ApplicationScoped
    EventCodec eventCodec(ObjectMapper mapper) {
        return new EventCodec(mapper);
    }

    /** The one clock of the service; tests may replace it to move time. */
    @Produces
    @DefaultBean
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Blocking JDBC transactions with retry on serialization failures and deadlocks. */
    @Produces
    @Singleton
    Transactions transactions(DataSource dataSource) {
        return new Transactions(dataSource);
    }
}

package io.pointmesh.testing;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The service's clock in component tests: the shared TestClock, real time plus an offset tests move
 * (and move back). A service whose tests move time indexes this jar in its test profile
 * ({@code %test.quarkus.index-dependency.pointmesh-testing.*}); the others keep the real clock.
 */
public class TestClockProducer {

    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    TestClock clock() {
        return TestClock.following();
    }
}

package io.pointmesh.partner;

import io.pointmesh.testing.TestClock;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The service's clock in component tests: real time plus an offset a test may move (and must move back). */
public class TestClockProducer {

    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    TestClock clock() {
        return TestClock.following();
    }
}

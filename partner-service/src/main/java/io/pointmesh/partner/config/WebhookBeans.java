package io.pointmesh.partner.config;

import io.pointmesh.partner.WebhookUrlPolicy;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.InetAddress;

/** What webhook registration and delivery share. */
public class WebhookBeans {

    /** How a webhook's host is resolved: the system's DNS (a test may provide its own resolver bean). */
    @Produces
    @Singleton
    @DefaultBean
    WebhookUrlPolicy.Resolver resolver() {
        return InetAddress::getAllByName;
    }
}

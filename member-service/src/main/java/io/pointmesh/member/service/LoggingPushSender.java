package io.pointmesh.member.service;

import io.pointmesh.member.Notification;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** The default PushSender: logs what would be pushed (without the member's personal data). */
@ApplicationScoped
@DefaultBean
public class LoggingPushSender implements PushSender {

    private static final Logger LOG = Logger.getLogger(LoggingPushSender.class);

    @Override
    public void send(Notification n) {
        LOG.infof("push to member %s: [%s] %s", n.memberId, n.kind, n.title);
    }
}

package io.pointmesh.member;

import io.pointmesh.member.service.PushSender;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers what would have been pushed. */
@Alternative
@Priority(1)
@Singleton
public class RecordingPushSender implements PushSender {

    public final List<Notification> sent = new CopyOnWriteArrayList<>();

    @Override
    public void send(Notification notification) {
        sent.add(notification);
    }
}

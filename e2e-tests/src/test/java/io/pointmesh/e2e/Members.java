package io.pointmesh.e2e;

import io.pointmesh.events.member.MemberJoined;
import io.pointmesh.testing.KafkaTestClient;
import io.pointmesh.testing.LocalInfra;
import io.pointmesh.testing.TestEvents;
import java.util.UUID;

/** Members the services learn of by member-service's join event, sent as it publishes it. */
final class Members {

    private Members() {}

    /** A new member (card "9400" + the id's first 12 characters) joined by event; answers the member id. */
    static String joinedByEvent() {
        String member = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = new KafkaTestClient(LocalInfra.kafkaBootstrap())) {
            kafka.send(
                    "member.events",
                    member,
                    TestEvents.encode(new MemberJoined(
                            member,
                            "9400" + member.substring(0, 12),
                            "R" + member.substring(0, 7),
                            null,
                            1988,
                            "F",
                            "Seoul")));
        }
        return member;
    }
}

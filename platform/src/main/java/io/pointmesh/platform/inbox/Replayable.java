package io.pointmesh.platform.inbox;

import io.smallrye.mutiny.Uni;
import java.util.Set;

/**
 * A consumer whose dead letters an operator can replay ({@link DeadLetters}): it applies a parked record
 * the way its channel applies a record, through the inbox, so a replay is applied at most once however
 * often it is asked for (an event the channel applied meanwhile answers {@link EventInbox.Outcome#DUPLICATE}).
 */
public interface Replayable {

    /** The incoming channels ({@code mp.messaging.incoming.<channel>}) this consumer reads. */
    Set<String> channels();

    /**
     * The inbox's consumer name for the channel's events ({@code processed_event.consumer}): a discarded letter's event
     * is claimed under it, so that nothing applies it afterwards.
     */
    String consumer(String channel);

    /**
     * Applies one record of {@code channel} as the channel would, or fails as it would (the record is not an
     * event, the effect fails again). Blocking work must leave the calling event loop
     * ({@link EventInbox#replayWithJdbc}).
     */
    Uni<EventInbox.Outcome> replay(String channel, String json);
}

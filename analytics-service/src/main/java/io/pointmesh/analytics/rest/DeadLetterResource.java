package io.pointmesh.analytics.rest;

import io.pointmesh.platform.inbox.DeadLetterEndpoints;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Operators: what analytics-service's consumers gave up on (platform DeadLetters; docs/events.md, "Dead letters"). */
@Path("/analytics/v1/dead-letters")
@Tag(name = "dead-letters", description = "Operators: events this service could not apply, to replay or discard")
public class DeadLetterResource extends DeadLetterEndpoints {}

package io.pointmesh.platform;

import io.pointmesh.platform.inbox.DeadLetterEndpoints;
import jakarta.ws.rs.Path;

/** The platform test app's dead letters, as each service serves its own. */
@Path("/platform/v1/dead-letters")
public class TestDeadLetterResource extends DeadLetterEndpoints {}

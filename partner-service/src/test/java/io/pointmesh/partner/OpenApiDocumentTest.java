package io.pointmesh.partner;

import io.pointmesh.testing.OpenApiDocumentContract;
import io.pointmesh.testing.PointmeshTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** partner-service's OpenAPI document is complete (the checks are OpenApiDocumentContract's). */
@QuarkusTest
@WithTestResource(PointmeshTestResource.class)
class OpenApiDocumentTest extends OpenApiDocumentContract {}

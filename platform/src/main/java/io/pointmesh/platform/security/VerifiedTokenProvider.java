package io.pointmesh.platform.security;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Asked before quarkus-oidc for a bearer token: answers the identity {@link VerifiedTokens} keeps
 * for that exact token text, or nothing, and then quarkus-oidc verifies it as always.
 */
@ApplicationScoped
public class VerifiedTokenProvider implements IdentityProvider<TokenAuthenticationRequest> {

    @Inject
    VerifiedTokens tokens;

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Before quarkus-oidc's provider (the default priority), which is asked only when this one answers nothing. */
    @Override
    public int priority() {
        return SYSTEM_FIRST + 1000;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!(request.getToken() instanceof AccessTokenCredential credential)) {
            return Uni.createFrom().nullItem();
        }
        SecurityIdentity verified = tokens.find(credential.getToken());
        if (verified == null) {
            return Uni.createFrom().nullItem();
        }
        // this request's routing context, as quarkus-oidc would have put it on the identity
        RoutingContext routingContext = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (routingContext == null) {
            return Uni.createFrom().item(verified);
        }
        return Uni.createFrom()
                .item(QuarkusSecurityIdentity.builder(verified)
                        .addAttribute(VerifiedTokens.ROUTING_CONTEXT, routingContext)
                        .build());
    }
}

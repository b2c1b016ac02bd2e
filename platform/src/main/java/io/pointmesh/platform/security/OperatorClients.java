package io.pointmesh.platform.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * The role {@code operator} counts only in tokens issued to the operators' own clients (the
 * token's {@code azp}: {@code pointmesh.security.operator-clients}, by default the operator client
 * and the dashboard). Keycloak lets whoever manages a client give its tokens any role through a
 * hardcoded-role mapper, and partner-service's account manages partners' clients: a client it
 * made (by mistake or by an attacker holding its secret) must not mint operator tokens
 * (docs/security.md, docs/deploy.md "Identity: least privilege").
 */
@ApplicationScoped
public class OperatorClients implements SecurityIdentityAugmentor {

    private static final Logger LOG = Logger.getLogger(OperatorClients.class);

    @ConfigProperty(
            name = "pointmesh.security.operator-clients",
            defaultValue = "pointmesh-operator,pointmesh-dashboard")
    List<String> operatorClients;

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()
                || !identity.hasRole(Roles.OPERATOR)
                || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        String azp = TokenClaims.text(token, "azp");
        if (azp != null && operatorClients.contains(azp)) {
            return Uni.createFrom().item(identity);
        }
        LOG.warnf("a token of client %s carries the operator role; the role is ignored", azp);
        QuarkusSecurityIdentity.Builder without = QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addCredentials(identity.getCredentials())
                .addAttributes(identity.getAttributes())
                .addPermissionChecker(identity::checkPermission)
                .setAnonymous(false);
        identity.getRoles().stream().filter(r -> !Roles.OPERATOR.equals(r)).forEach(without::addRole);
        return Uni.createFrom().item(without.build());
    }
}

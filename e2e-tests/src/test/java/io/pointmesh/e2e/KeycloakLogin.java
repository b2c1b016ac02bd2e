package io.pointmesh.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.pointmesh.testing.browser.Browser;
import java.time.Duration;

/** Signing in to a pointmesh web page (the dashboard, the console) through Keycloak's real login page. */
final class KeycloakLogin {

    private KeycloakLogin() {}

    /**
     * Opens the page, which sends the browser to Keycloak's login page; signs in there as a person
     * would, and waits until the page is back with the person's name shown in its {@code #user}.
     */
    static void signIn(Browser browser, String page, String username, String password) {
        browser.navigate(page);
        browser.waitFor("document.getElementById('kc-login') !== null", JsonNode::asBoolean, Duration.ofSeconds(30));
        browser.type("username", username);
        browser.type("password", password);
        browser.click("kc-login");
        browser.waitFor(
                "location.href.startsWith('" + page + "') && !location.search.includes('code=') "
                        + "&& document.getElementById('user').textContent.includes('" + username + "')",
                JsonNode::asBoolean,
                Duration.ofSeconds(30));
    }
}

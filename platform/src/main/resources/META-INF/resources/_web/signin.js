// The sign-in every pointmesh web page uses (the console, the analytics dashboard): OIDC
// authorization code with PKCE through oidc-client-ts (served beside this file, from npm; it makes
// the verifier, checks the state, exchanges the code and refreshes), against the realm and the
// public client that the serving service names at its config path. Tokens stay in this page's
// memory; only the library's request state waits in sessionStorage across the redirect. The
// services check every token themselves: what this page decodes is for display only.
"use strict";
const SignIn = (() => {
  let manager, user, settings, renewal;
  const here = () => location.origin + location.pathname;

  /** An API answer that was not 2xx: the RFC 9457 problem (status, code, title, detail, errors[]). */
  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
      this.status = status;
      this.problem = problem || { status };
    }
  }

  /**
   * Signs in (sending the browser to the identity provider when there is no session yet); resolves
   * with the access token's claims once there is a token. configPath answers { oidcUrl, clientId, ... }
   * (settings() gives the whole answer afterwards).
   */
  async function init(configPath) {
    const answer = await fetch(configPath);
    if (!answer.ok) throw new Error(`the sign-in settings are unavailable (HTTP ${answer.status}): try again shortly`);
    settings = await answer.json();
    manager = new oidc.UserManager({
      authority: settings.oidcUrl,
      client_id: settings.clientId,
      redirect_uri: here(),
      post_logout_redirect_uri: here(),
      response_type: "code",
      scope: "openid",
      loadUserInfo: false,
      automaticSilentRenew: false,   // renewed on demand, with the refresh token (bearer())
      userStore: new oidc.WebStorageStateStore({ store: new oidc.InMemoryWebStorage() }),
      stateStore: new oidc.WebStorageStateStore({ store: window.sessionStorage }),
    });
    const params = new URLSearchParams(location.search);
    if (params.has("state") && (params.has("code") || params.has("error"))) {
      try {
        user = await manager.signinRedirectCallback();
      } catch (e) {
        history.replaceState(null, "", location.pathname);
        throw new Error(`sign-in failed: ${e.error_description || e.message}`);
      }
      // back to where the person was before signing in (path, query and #route): this page only
      const back = user.url_state;
      history.replaceState(null, "", back && back.startsWith(location.pathname) ? back : location.pathname);
      return claims();
    }
    await redirect();
    return new Promise(() => {});   // the page is leaving
  }

  function redirect() {
    return manager.signinRedirect({ url_state: location.pathname + location.search + location.hash });
  }

  /**
   * The access token, renewed with the refresh token shortly before it expires: once for all the
   * requests that need it at that moment (a refresh token is spent by its use where rotation is on).
   */
  async function bearer() {
    if (user.expires_in < 20) {
      renewal ??= manager.signinSilent().finally(() => { renewal = null; });
      try {
        user = await renewal;
      } catch (e) {
        await redirect();
        return new Promise(() => {});
      }
    }
    return user.access_token;
  }

  /**
   * Calls an API with the person's token: JSON in and out (text for CSV). A problem answer
   * becomes an ApiError carrying the problem, so that forms can show it beside the field.
   */
  async function api(url, { method = "GET", body, accept = "application/json", headers = {} } = {}) {
    const init = { method, headers: { Authorization: "Bearer " + await bearer(), Accept: accept, ...headers } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const r = await fetch(url, init);
    if (r.status === 401) {
      await redirect();
      return new Promise(() => {});
    }
    const text = await r.text();
    const json = (() => { try { return text ? JSON.parse(text) : null; } catch (e) { return null; } })();
    if (!r.ok) throw new ApiError(r.status, json);
    return accept.includes("json") ? json : text;
  }

  function claims() {
    const part = user.access_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  }

  function logout() {
    return manager.signoutRedirect({ id_token_hint: user.id_token });
  }

  return { init, settings: () => settings, api, bearer, claims, logout, ApiError };
})();

// Sign-in for the dashboard: OIDC authorization code with PKCE (S256) against the network's realm,
// as the public client the service names at /analytics/v1/dashboard/config. Tokens stay in this
// page's memory; only the PKCE verifier and state wait in sessionStorage across the redirect.
"use strict";
const Auth = (() => {
  let config, tokens, expiresAt = 0;
  const redirectUri = () => location.origin + location.pathname;
  const b64url = bytes => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const random = n => b64url(crypto.getRandomValues(new Uint8Array(n)));
  const endpoint = name => `${config.oidcUrl}/protocol/openid-connect/${name}`;

  async function tokenRequest(form) {
    const r = await fetch(endpoint("token"), { method: "POST", body: new URLSearchParams({ client_id: config.clientId, ...form }) });
    if (!r.ok) throw new Error(`sign-in refused (${r.status})`);
    tokens = await r.json();
    expiresAt = Date.now() + (tokens.expires_in - 20) * 1000;
  }

  async function login() {
    const verifier = random(48), state = random(16);
    const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    sessionStorage.setItem("pointmesh.pkce", JSON.stringify({ verifier, state, search: location.search }));
    location.assign(endpoint("auth") + "?" + new URLSearchParams({
      client_id: config.clientId, redirect_uri: redirectUri(), response_type: "code", scope: "openid",
      state, code_challenge: challenge, code_challenge_method: "S256" }));
  }

  /** Signs in (redirecting to the identity provider when needed); resolves once there is a token. */
  async function init() {
    config = await (await fetch("/analytics/v1/dashboard/config")).json();
    const params = new URLSearchParams(location.search);
    const pending = JSON.parse(sessionStorage.getItem("pointmesh.pkce") || "null");
    if (params.has("error")) throw new Error(`sign-in failed: ${params.get("error_description") || params.get("error")}`);
    if (params.has("code") && pending) {
      sessionStorage.removeItem("pointmesh.pkce");
      if (params.get("state") !== pending.state) throw new Error("sign-in answer does not match the request (state)");
      await tokenRequest({ grant_type: "authorization_code", code: params.get("code"), redirect_uri: redirectUri(),
        code_verifier: pending.verifier });
      history.replaceState(null, "", location.pathname + pending.search);   // the query as it was before signing in
      return claims();
    }
    await login();
    return new Promise(() => {});   // the page is leaving
  }

  async function bearer() {
    if (Date.now() > expiresAt) {
      try { await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token }); }
      catch (e) { await login(); }
    }
    return tokens.access_token;
  }

  /** GET on the analytics API with the person's token; a problem answer becomes an Error with its title. */
  async function api(path) {
    const r = await fetch(path, { headers: { Authorization: "Bearer " + await bearer(), Accept: "application/json" } });
    if (r.status === 401) { await login(); }
    const body = await r.json().catch(() => null);
    if (!r.ok) throw new Error((body && (body.detail || body.title)) || `HTTP ${r.status}`);
    return body;
  }

  function claims() {
    const part = tokens.access_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  }

  function logout() {
    location.assign(endpoint("logout") + "?" + new URLSearchParams({ client_id: config.clientId,
      post_logout_redirect_uri: redirectUri(), id_token_hint: tokens.id_token }));
  }

  return { init, api, logout };
})();

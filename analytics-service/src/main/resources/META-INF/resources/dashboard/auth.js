// The dashboard's sign-in: platform's SignIn (/_web/signin.js, OIDC authorization code with PKCE
// through oidc-client-ts), as the public client this service names at /analytics/v1/dashboard/config.
"use strict";
const Auth = {
  /** Signs in (redirecting to the identity provider when needed); resolves with the token's claims. */
  init: () => SignIn.init("/analytics/v1/dashboard/config"),
  /** GET on the analytics API with the person's token; a problem answer is an Error with its detail. */
  api: path => SignIn.api(path),
  logout: () => SignIn.logout(),
};

// One page for the four services' OpenAPI documents (the committed contract, client/src/main/openapi,
// copied here by partner-service's build): Swagger UI with a picker, the partner's API first.
"use strict";
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({
    urls: [
      { url: "partner.json", name: "partners: onboarding, stores, earn rules, campaigns, settlement, webhooks" },
      { url: "ledger.json", name: "ledger: earn, redeem (hold, capture, void), reverse, balances" },
      { url: "member.json", name: "members: cards at the POS, the member's own account" },
      { url: "analytics.json", name: "analytics: reports, campaign results, offers" },
    ],
    dom_id: "#swagger-ui",
    deepLinking: true,
    defaultModelsExpandDepth: 0,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout",
  });
});

// The console: one page for the network's operators and for partners' staff (docs/console.md).
// Everything it shows or changes goes through the services' APIs with the person's own token, which
// alone decide what that person may see and do; the page only leaves out what the person's role
// cannot use. Data is written into the page as text, never as HTML: names come from partners.
"use strict";
(async () => {
  const main = document.getElementById("main");
  const PAGE = 20;

  // ---- element helpers ------------------------------------------------------------------------
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else if (k === "dataset") Object.assign(el.dataset, v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of kids.flat(Infinity)) if (c != null && c !== false) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  const status = (text, error) => h("p", { id: "status", role: "status", class: error ? "error" : null }, text);
  const badge = s => h("span", { class: "status " + s }, s);
  const when = t => t ? new Date(t).toLocaleString() : "";
  const num = n => n == null ? "" : Number(n).toLocaleString();
  const show = (...nodes) => main.replaceChildren(...nodes);
  // a page answered late never replaces the one the person has moved on to: route() counts navigations, and a
  // view that waited for the API shows its page only if no navigation came since it started
  let navigation = 0;
  const showFor = (mine, ...nodes) => { if (mine === navigation) main.replaceChildren(...nodes); };
  const problemText = e => e instanceof SignIn.ApiError
    ? `${e.message}${e.problem.code ? ` (${e.problem.code})` : ""}` : String(e.message || e);

  // ---- sign-in and who this is --------------------------------------------------------------------
  let me;
  try {
    me = await SignIn.init("/partners/v1/console/config");
  } catch (e) {
    show(status(e.message, true));
    return;
  }
  const settings = SignIn.settings();
  const roles = (me.realm_access && me.realm_access.roles) || [];
  const operator = roles.includes("operator");
  const ownPartner = !operator && roles.includes("partner") ? me.partner_id : null;
  document.getElementById("user").textContent =
      `${me.preferred_username || me.sub} (${operator ? "operator" : ownPartner ? "partner staff" : "no access"})`;
  const logout = document.getElementById("logout");
  logout.hidden = false;
  logout.onclick = () => SignIn.logout();
  if (!operator && !ownPartner) {
    show(status("This account is neither an operator's nor a partner's staff: ask the network's operator for access.", true));
    return;
  }

  const base = { partner: "", member: settings.apis.member, ledger: settings.apis.ledger, analytics: settings.apis.analytics };
  const api = (service, path, opts) => SignIn.api(base[service] + path, opts);
  const P = id => `/partners/v1/partners/${encodeURIComponent(id)}`;

  // ---- navigation -----------------------------------------------------------------------------
  const sections = operator
    ? [["#/partners", "Partners"], ["#/members", "Members"], ["#/dead-letters", "Dead letters"], ["#/analytics", "Analytics"]]
    : [["#/partners/" + encodeURIComponent(ownPartner), "My partner"], ["#/analytics", "Analytics"]];
  document.getElementById("nav").replaceChildren(...sections.map(([href, text]) => h("a", { href }, text)),
    h("a", { href: "/api-reference/", id: "api-reference" }, "API reference"));

  const routes = [
    [/^#\/partners$/, () => operator ? partnerList() : go(sections[0][0])],
    [/^#\/partners\/new$/, () => registerPartner()],
    [/^#\/partners\/([^/]+)(?:\/([a-z-]+))?$/, (id, tab) => partnerPage(decodeURIComponent(id), tab || "overview")],
    [/^#\/members$/, () => memberSearch()],
    [/^#\/members\/([^/]+)$/, id => memberPage(decodeURIComponent(id))],
    [/^#\/dead-letters(?:\/(PARKED|REPLAYED|DISCARDED))?$/, state => deadLetters(state || "PARKED")],
    [/^#\/analytics$/, () => analytics()],
  ];
  function go(hash) { location.hash = hash; }
  async function route() {
    if (!location.hash || location.hash === "#/") history.replaceState(null, "", sections[0][0]);
    const hash = location.hash;
    const mine = ++navigation;
    for (const a of document.querySelectorAll("nav a")) {
      a.toggleAttribute("aria-current", hash.startsWith(a.getAttribute("href")));
      if (a.hasAttribute("aria-current")) a.setAttribute("aria-current", "page");
    }
    for (const [pattern, view] of routes) {
      const m = hash.match(pattern);
      if (m) {
        show(status("Loading…"));
        try { await view(...m.slice(1)); } catch (e) { showFor(mine, status(problemText(e), true)); }
        return;
      }
    }
    show(status("No such page.", true));
  }
  window.addEventListener("hashchange", route);

  // ---- building blocks --------------------------------------------------------------------------
  /** A table of rows, paged here (PAGE rows at a time) unless the caller pages on the server. */
  function table(columns, rows, { id, empty = "Nothing yet." } = {}) {
    const wrap = h("div", { class: "scroll", id });
    let page = 0;
    function draw() {
      const slice = rows.slice(page * PAGE, (page + 1) * PAGE);
      const t = h("table", {},
        h("thead", {}, h("tr", {}, columns.map(c => h("th", { class: c.num ? "num" : null }, c.label)))),
        h("tbody", {}, slice.map(r => h("tr", {}, columns.map(c => h("td", { class: c.num ? "num" : null }, c.value(r)))))));
      const pages = Math.ceil(rows.length / PAGE);
      const pager = pages > 1 ? h("div", { class: "pager" },
        h("button", { type: "button", class: "secondary", disabled: page === 0, onclick: () => { page--; draw(); } }, "Previous"),
        `Page ${page + 1} of ${pages} (${rows.length})`,
        h("button", { type: "button", class: "secondary", disabled: page >= pages - 1, onclick: () => { page++; draw(); } }, "Next")) : null;
      wrap.replaceChildren(rows.length ? t : h("p", {}, empty), pager || "");
    }
    draw();
    return wrap;
  }

  /**
   * A form that checks its fields before sending (the browser's own constraints: required, pattern,
   * min, max) and shows the API's problem details beside the field they name, or above the buttons.
   * Fields: { name (a property path such as settlementAccount.bank), label, type, required, options, ... }.
   */
  function form({ id, fields, submit, onSubmit, danger }) {
    const f = h("form", { class: "form", id, novalidate: true });
    for (const field of fields) {
      const inputId = `${id}-${field.name.replace(/\W/g, "-")}`;
      let input;
      const common = { id: inputId, name: field.name, required: field.required, "aria-describedby": inputId + "-error" };
      if (field.type === "select") {
        input = h("select", common, field.options.map(o => h("option", { value: o, selected: o === field.value }, o)));
      } else if (field.type === "checkboxes") {
        input = h("div", { id: inputId, dataset: { name: field.name, kind: "checkboxes" } },
          field.options.map(o => h("label", {}, h("input", { type: "checkbox", value: o, checked: (field.value || []).includes(o) }), " " + o, " ")));
      } else {
        input = h("input", { ...common, type: field.type || "text", value: field.value, placeholder: field.placeholder,
          pattern: field.pattern, min: field.min, max: field.max, step: field.step, maxlength: field.maxlength,
          inputmode: field.inputmode, title: field.help });
      }
      f.append(h("div", { class: "field" }, h("label", { for: inputId }, field.label), input,
        field.help ? h("small", { class: "help" }, field.help) : null,
        h("small", { class: "field-error", id: inputId + "-error", dataset: { for: field.name } })));
    }
    const button = h("button", { type: "submit", id: id + "-submit", class: danger ? "danger" : null }, submit);
    const progress = h("progress", { hidden: true, "aria-label": "Working" });
    const formError = h("div", { class: "form-error", role: "alert", hidden: true });
    f.append(formError, h("div", { class: "actions" }, button, progress));

    function fieldError(name, message) {
      const slot = [...f.querySelectorAll(".field-error")].find(s => s.dataset.for === name)
        || [...f.querySelectorAll(".field-error")].find(s => name.endsWith("." + s.dataset.for) || s.dataset.for.endsWith("." + name));
      if (!slot) return false;
      slot.textContent = message;
      const input = slot.parentElement.querySelector("input, select, [data-kind]");
      if (input) input.setAttribute("aria-invalid", "true");
      return true;
    }
    function clearErrors() {
      formError.hidden = true;
      formError.textContent = "";
      f.querySelectorAll(".field-error").forEach(s => { s.textContent = ""; });
      f.querySelectorAll("[aria-invalid]").forEach(i => i.removeAttribute("aria-invalid"));
    }
    function values() {
      const out = {};
      for (const field of fields) {
        let v;
        if (field.type === "checkboxes") {
          v = [...f.querySelector(`[data-name="${field.name}"]`).querySelectorAll("input:checked")].map(i => i.value);
        } else {
          const raw = f.elements[field.name].value.trim();
          if (raw === "") continue;   // optional and empty: not sent, the API's default applies
          v = field.type === "number" ? Number(raw) : field.type === "datetime-local" ? new Date(raw).toISOString()
            : field.boolean ? raw === "yes" : raw;
        }
        const path = field.name.split(".");
        let at = out;
        for (const p of path.slice(0, -1)) at = at[p] = at[p] || {};
        at[path[path.length - 1]] = v;
      }
      return out;
    }
    f.addEventListener("submit", async ev => {
      ev.preventDefault();
      clearErrors();
      let valid = true;
      for (const field of fields) {
        if (field.type === "checkboxes") {
          if (field.required && !values()[field.name]?.length) { fieldError(field.name, "Choose at least one."); valid = false; }
          continue;
        }
        const input = f.elements[field.name];
        if (!input.checkValidity()) { fieldError(field.name, input.validationMessage); valid = false; }
        else if (field.check) {
          const message = field.check(input.value.trim());
          if (message) { fieldError(field.name, message); valid = false; }
        }
      }
      if (!valid) return;   // nothing is sent until every field passes
      button.disabled = true;
      progress.hidden = false;
      f.setAttribute("aria-busy", "true");
      try {
        await onSubmit(values(), f);
      } catch (e) {
        const placed = e instanceof SignIn.ApiError && (e.problem.errors || []).map(x => fieldError(x.field, x.message)).every(Boolean)
          && (e.problem.errors || []).length > 0;
        if (!placed) {
          formError.textContent = problemText(e);
          formError.hidden = false;
        }
      } finally {
        button.disabled = false;
        progress.hidden = true;
        f.removeAttribute("aria-busy");
      }
    });
    return f;
  }

  /** A one-time secret: shown here once, kept nowhere; the person copies it, then dismisses it. */
  function secretPanel(title, entries) {
    const panel = h("div", { class: "secret", id: "secret-panel", role: "alert" },
      h("strong", {}, title),
      h("p", {}, "Shown once: store it now in the partner's secret store. pointmesh cannot show it again."),
      entries.map(([label, value, id]) => [h("span", {}, label), h("code", { id }, value)]),
      h("button", { type: "button", class: "secondary", onclick: () => panel.remove() }, "I have stored it"));
    return panel;
  }

  /** A button for one action: disabled while it runs (no second click sends it twice); a refusal replaces it. */
  function act(label, run, cls = "secondary") {
    return h("button", { type: "button", class: cls, onclick: async ev => {
      ev.target.disabled = true;
      try { await run(); } catch (e) { ev.target.replaceWith(h("span", { class: "error" }, problemText(e))); }
    } }, label);
  }

  function facts(pairs) {
    return h("dl", { class: "facts" }, pairs.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "")]));
  }

  /** A button that asks for a reason, then runs the action with it. */
  function reasonAction(id, label, run, { danger, required = true } = {}) {
    const holder = h("div", { class: "row" });
    const open = h("button", { type: "button", id, class: danger ? "danger" : "secondary", onclick: () => {
      holder.replaceChildren(form({ id: id + "-form", submit: label, danger,
        fields: [{ name: "reason", label: `Reason (${label.toLowerCase()})`, required, maxlength: 500 }],
        onSubmit: v => run(v.reason || "") }));
    } }, label + "…");
    holder.append(open);
    return holder;
  }

  async function download(service, path, filename) {
    const text = await api(service, path, { accept: "text/csv" });
    const a = h("a", { href: URL.createObjectURL(new Blob([text], { type: "text/csv" })), download: filename });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  }

  // ---- partners (operators) ---------------------------------------------------------------------
  async function partnerList() {
    let offset = 0, statusFilter = "";
    const list = h("div", { id: "partners" });
    const filter = h("select", { id: "partner-status", onchange: () => { statusFilter = filter.value; offset = 0; load(); } },
      ["", "PENDING", "ACTIVE", "SUSPENDED", "OFFBOARDED"].map(s => h("option", { value: s }, s || "every status")));
    async function load() {
      list.replaceChildren(h("progress", { "aria-label": "Loading" }));
      const params = new URLSearchParams({ limit: PAGE + 1, offset });
      if (statusFilter) params.set("status", statusFilter);
      try {
        const rows = await api("partner", `/partners/v1/partners?${params}`);
        const more = rows.length > PAGE;
        list.replaceChildren(
          h("div", { class: "scroll" }, h("table", {},
            h("thead", {}, h("tr", {}, ["Partner", "Category", "Status", "Registered"].map(t => h("th", {}, t)))),
            h("tbody", {}, rows.slice(0, PAGE).map(p => h("tr", {},
              h("td", {}, h("a", { href: "#/partners/" + encodeURIComponent(p.partnerId) }, p.legalName)),
              h("td", {}, p.category), h("td", {}, badge(p.status)), h("td", {}, when(p.createdAt))))))),
          rows.length ? "" : h("p", {}, "No partners."),
          h("div", { class: "pager" },
            h("button", { type: "button", class: "secondary", disabled: offset === 0, onclick: () => { offset -= PAGE; load(); } }, "Previous"),
            `${offset + 1}–${offset + Math.min(rows.length, PAGE)}`,
            h("button", { type: "button", class: "secondary", disabled: !more, onclick: () => { offset += PAGE; load(); } }, "Next")));
      } catch (e) { list.replaceChildren(status(problemText(e), true)); }
    }
    show(h("h2", {}, "Partners"),
      h("div", { class: "row" }, h("a", { href: "#/partners/new", id: "register-partner" }, "Register a partner"), h("label", {}, "Status ", filter)),
      h("section", { class: "card" }, list));
    await load();
  }

  function registerPartner() {
    if (!operator) throw new Error("Only operators register partners.");
    show(h("h2", {}, "Register a partner"), h("section", { class: "card" }, form({
      id: "register", submit: "Register",
      fields: [
        { name: "legalName", label: "Legal name", required: true, maxlength: 200 },
        { name: "businessRegistrationNumber", label: "Business registration number", required: true,
          pattern: "\\d{3}-?\\d{2}-?\\d{5}", placeholder: "123-45-67890", help: "10 digits as 123-45-67890" },
        { name: "category", label: "Category", required: true, pattern: "[a-z0-9-]+", placeholder: "convenience-store",
          help: "lower case, digits and -" },
        { name: "contactEmail", label: "Contact e-mail", type: "email", required: true },
        { name: "settlementAccount.bank", label: "Settlement bank", required: true },
        { name: "settlementAccount.accountNumber", label: "Account number", required: true },
        { name: "settlementAccount.accountHolder", label: "Account holder", required: true },
      ],
      onSubmit: async body => {
        const p = await api("partner", "/partners/v1/partners", { method: "POST", body });
        go("#/partners/" + encodeURIComponent(p.partnerId));
      },
    })));
  }

  // ---- one partner: tabs ----------------------------------------------------------------------
  const TABS = [["overview", "Overview"], ["stores", "Stores"], ["rules", "Earn rules"], ["campaigns", "Campaigns"],
    ["settlements", "Settlements"], ["webhooks", "Webhooks"], ["history", "History"], ["mileage", "Mileage program", true]];

  async function partnerPage(id, tab) {
    const mine = navigation;
    const partner = await api("partner", P(id));
    const tabs = h("nav", { class: "tabs", "aria-label": "Partner" }, TABS.filter(t => operator || !t[2]).map(([key, label]) =>
      h("a", { href: `#/partners/${encodeURIComponent(id)}/${key}`, "aria-current": key === tab ? "page" : null }, label)));
    const body = h("div", { id: "tab-" + tab });
    showFor(mine, h("h2", { id: "partner-name" }, partner.legalName, " ", badge(partner.status)), tabs, body);
    const view = { overview, stores, rules, campaigns, settlements, webhooks, history: auditTrail, mileage }[tab];
    if (!view) throw new Error("No such tab.");
    await view(partner, body);
  }

  async function overview(p, body) {
    const secrets = h("div");
    const reload = () => partnerPage(p.partnerId, "overview");
    const lifecycle = (path, then) => async reason => {
      const answer = await api("partner", P(p.partnerId) + path, { method: "POST", body: { reason } });
      await reload();
      if (then) then(answer);
    };
    const showCredentials = title => a => main.querySelector("#tab-overview").prepend(
      secretPanel(title, [["Client id", a.clientId, "client-id"], ["Client secret", a.clientSecret, "client-secret"]]));
    const actions = h("div", { class: "row", id: "lifecycle" });
    if (operator) {
      if (p.status === "PENDING") actions.append(reasonAction("activate", "Activate",
        lifecycle("/activation", showCredentials("The partner's credentials")), { required: false }));
      if (p.status === "ACTIVE") {
        actions.append(reasonAction("suspend", "Suspend", lifecycle("/suspension"), { danger: true }));
        actions.append(reasonAction("rotate", "Rotate credentials",
          lifecycle("/credentials/rotation", showCredentials("The partner's new client secret")), { required: false }));
      }
      if (p.status === "SUSPENDED") actions.append(reasonAction("reinstate", "Reinstate", lifecycle("/reinstatement")));
      if (p.status !== "OFFBOARDED") actions.append(reasonAction("offboard", "Offboard", lifecycle("/offboarding"), { danger: true }));
    }
    body.append(secrets, h("section", { class: "card" }, facts([
      ["Partner id", p.partnerId], ["Status", badge(p.status)], ["Category", p.category],
      ["Business registration number", p.businessRegistrationNumber], ["Contact", p.contactEmail],
      ["Registered", when(p.createdAt)], ["Last change", when(p.updatedAt)]])),
      operator ? h("section", { class: "card" }, h("h3", {}, "Lifecycle"), actions) : "");
  }

  async function auditTrail(p, body) {
    const rows = await api("partner", P(p.partnerId) + "/history");
    body.append(h("section", { class: "card" }, table([
      { label: "When", value: r => when(r.at) }, { label: "Action", value: r => r.action },
      { label: "Status", value: r => `${r.statusBefore || "–"} → ${r.statusAfter}` },
      { label: "By", value: r => r.actor }, { label: "Reason", value: r => r.reason }], rows.slice().reverse(), { id: "history" })));
  }

  async function stores(p, body) {
    const rows = await api("partner", P(p.partnerId) + "/stores");
    const reload = () => partnerPage(p.partnerId, "stores");
    body.append(h("section", { class: "card" }, table([
      { label: "Code", value: s => s.code }, { label: "Name", value: s => s.name }, { label: "Channel", value: s => s.channel },
      { label: "Region", value: s => s.region }, { label: "Open", value: s => s.open ? "open" : `closed ${when(s.closedAt)}` },
      ...(operator ? [{ label: "", value: s => s.open ? act("Close", async () => {
        await api("partner", `${P(p.partnerId)}/stores/${encodeURIComponent(s.code)}/closure`, { method: "POST", body: {} });
        await reload();
      }) : "" }] : [])], rows, { id: "stores", empty: "No stores yet." })));
    if (operator) body.append(h("section", { class: "card" }, h("h3", {}, "Open a store"), form({
      id: "store", submit: "Open store",
      fields: [
        { name: "code", label: "Store code", required: true, pattern: "[A-Za-z0-9_-]{1,32}", help: "unique within the partner" },
        { name: "name", label: "Name", required: true, maxlength: 200 },
        { name: "channel", label: "Channel", type: "select", options: ["OFFLINE", "ONLINE"], required: true },
        { name: "region", label: "Region" }],
      onSubmit: async v => { await api("partner", P(p.partnerId) + "/stores", { method: "POST", body: v }); await reload(); },
    })));
  }

  async function rules(p, body) {
    const rows = await api("partner", P(p.partnerId) + "/earn-rules");
    body.append(h("section", { class: "card" }, table([
      { label: "Version", value: r => r.version, num: true }, { label: "Base rate", value: r => `${(r.baseRate * 100).toFixed(2)} %`, num: true },
      { label: "Pending days", value: r => r.pendingDays, num: true }, { label: "Valid (months)", value: r => r.validityMonths, num: true },
      { label: "Minimum purchase", value: r => num(r.minimumPurchase), num: true }, { label: "Cap", value: r => num(r.perTransactionCap), num: true },
      { label: "From", value: r => when(r.effectiveFrom) }, { label: "Published", value: r => `${when(r.publishedAt)} by ${r.publishedBy || ""}` }],
      rows.slice().reverse(), { id: "rules", empty: "No earn rule yet: the partner earns nothing until one is published." })));
    if (operator) body.append(h("section", { class: "card" }, h("h3", {}, "Publish a new version"), form({
      id: "rule", submit: "Publish",
      fields: [
        { name: "baseRate", label: "Base rate (0.01 = 1 %)", type: "number", required: true, min: 0, max: 1, step: "0.0001" },
        { name: "pendingDays", label: "Pending days", type: "number", min: 0, max: 365, step: 1 },
        { name: "validityMonths", label: "Valid for (months)", type: "number", min: 1, max: 120, step: 1 },
        { name: "minimumPurchase", label: "Minimum purchase", type: "number", min: 0, step: 1 },
        { name: "perTransactionCap", label: "Points cap per purchase", type: "number", min: 1, step: 1 },
        { name: "effectiveFrom", label: "Effective from (empty: now)", type: "datetime-local" }],
      onSubmit: async v => { await api("partner", P(p.partnerId) + "/earn-rules", { method: "PUT", body: v }); await partnerPage(p.partnerId, "rules"); },
    })));
  }

  async function campaigns(p, body) {
    const rows = await api("partner", P(p.partnerId) + "/campaigns");
    const results = h("div", { id: "campaign-results" });
    const reload = () => partnerPage(p.partnerId, "campaigns");
    let campaignKey = crypto.randomUUID();   // one campaign per key: a retry after a lost answer is not a second one
    const bonus = c => c.bonusKind === "FIXED" ? `+${c.fixedPoints} points` : `x${c.multiplier}`;
    body.append(h("section", { class: "card" }, table([
      { label: "Name", value: c => c.name }, { label: "Bonus", value: bonus },
      { label: "Target", value: c => c.target + (c.targetValue ? " " + c.targetValue : "") + (c.audience
        ? ` (bought ${c.audience.boughtAtPartnerId ? "at " + c.audience.boughtAtPartnerId : "in " + c.audience.boughtInCategory}`
          + ` within ${c.audience.withinDays} days${c.audience.notYetHere ? ", never here" : ""})` : "")
        + (c.coFunding ? ` · co-funded ${(c.coFunding.share * 100).toFixed(2)} % by ${c.coFunding.partnerId} (${c.coFunding.status})` : "") },
      { label: "Runs", value: c => `${when(c.startsAt)} – ${when(c.endedAt || c.endsAt)}${c.endedAt ? " (ended)" : ""}` },
      { label: "Treatment", value: c => `${Math.round(c.treatmentShare * 100)} %`, num: true },
      { label: "", value: c => h("div", { class: "row" },
        h("button", { type: "button", class: "secondary", onclick: () => campaignResults(c, results) }, "Results"),
        operator && !c.endedAt ? act("End", async () => {
          await api("partner", `${P(p.partnerId)}/campaigns/${encodeURIComponent(c.campaignId)}/end`, { method: "POST", body: {} });
          await reload();
        }, "danger") : "") }], rows.slice().reverse(), { id: "campaigns", empty: "No campaigns yet." }), results));
    const requests = await api("partner", P(p.partnerId) + "/co-funding-requests");
    body.append(h("section", { class: "card" }, h("h3", {}, "Asked to co-fund"), table([
      { label: "Campaign", value: c => c.name }, { label: "Of partner", value: c => c.partnerId },
      { label: "Bonus", value: bonus }, { label: "Share", value: c => `${(c.coFunding.share * 100).toFixed(2)} %`, num: true },
      { label: "Budget", value: c => c.budgetPoints ? c.budgetPoints.toLocaleString() : "none", num: true },
      { label: "Audience", value: c => c.audience ? `bought ${c.audience.boughtAtPartnerId ? "at " + c.audience.boughtAtPartnerId
        : "in " + c.audience.boughtInCategory} within ${c.audience.withinDays} days${c.audience.notYetHere ? ", never here" : ""}` : c.target },
      { label: "Runs", value: c => `${when(c.startsAt)} – ${when(c.endedAt || c.endsAt)}` },
      { label: "Status", value: c => c.coFunding.status },
      { label: "", value: c => !operator ? "" : c.coFunding.status === "PENDING" ? h("div", { class: "row" },
        ...["accept", "decline"].map(d => act(d === "accept" ? "Accept" : "Decline", async () => {
          await api("partner", `${P(p.partnerId)}/co-funding-requests/${encodeURIComponent(c.campaignId)}/${d}`, { method: "POST" });
          await reload();
        }, d === "accept" ? null : "danger")))
        : c.coFunding.status === "ACCEPTED" && !c.endedAt ? act("Withdraw", async () => {
          await api("partner", `${P(p.partnerId)}/co-funding-requests/${encodeURIComponent(c.campaignId)}/withdrawal`, { method: "POST" });
          await reload();
        }, "danger") : "" }], requests, { id: "co-funding-requests", empty: "No requests." })));
    if (operator) body.append(h("section", { class: "card" }, h("h3", {}, "Create a campaign"), form({
      id: "campaign", submit: "Create",
      fields: [
        { name: "name", label: "Name", required: true, maxlength: 200 },
        { name: "bonusKind", label: "Bonus", type: "select", options: ["FIXED", "MULTIPLIER"] },
        { name: "fixedPoints", label: "Fixed points (FIXED)", type: "number", min: 1, step: 1 },
        { name: "multiplier", label: "Multiplier (MULTIPLIER)", type: "number", min: 1, max: 10, step: "0.1" },
        { name: "treatmentShare", label: "Treatment share (0-1)", type: "number", min: 0.05, max: 1, step: "0.05", value: "0.5" },
        { name: "startsAt", label: "Starts", type: "datetime-local", required: true },
        { name: "endsAt", label: "Ends", type: "datetime-local", required: true },
        { name: "budgetPoints", label: "Budget (points)", type: "number", min: 1, step: 1 },
        { name: "fundedBy", label: "Funded by", type: "select", options: ["PARTNER", "NETWORK"] },
        { name: "target", label: "Target", type: "select", options: ["EVERYONE", "GRADE", "SEGMENT", "CROSS_PARTNER"] },
        { name: "targetValue", label: "Grade or segment" },
        { name: "audience.boughtAtPartnerId", label: "CROSS_PARTNER: bought at partner (id)" },
        { name: "audience.boughtInCategory", label: "… or in category", maxlength: 40 },
        { name: "audience.withinDays", label: "… within days", type: "number", min: 1, max: 730, step: 1 },
        { name: "audience.notYetHere", label: "… and never here before", type: "select", options: ["", "yes", "no"], boolean: true },
        { name: "coFunding.partnerId", label: "Co-funded by partner (id)" },
        { name: "coFunding.share", label: "Co-funder's share (0-1)", type: "number", min: 0.0001, max: 0.9999, step: "0.0001" }],
      onSubmit: async v => {
        await api("partner", P(p.partnerId) + "/campaigns", { method: "POST", body: v, headers: { "Idempotency-Key": campaignKey } });
        campaignKey = crypto.randomUUID();
        await reload();
      },
    })));
  }

  async function campaignResults(c, into) {
    into.replaceChildren(h("progress", { "aria-label": "Loading results" }));
    try {
      const r = await api("analytics", `/analytics/v1/campaigns/${encodeURIComponent(c.campaignId)}/results`);
      // rates (z test) and means (t test) differ in shape: every column is named, never taken by position
      const metrics = [["purchaseRate", "Purchase rate"], ["spendPerMember", "Spend per member"], ["redemptionRate", "Redemption rate"]]
        .filter(([k]) => r[k]);
      const columns = [["treatmentMembers", "Treatment members"], ["controlMembers", "Control members"], ["treatment", "Treatment"],
        ["control", "Control"], ["difference", "Difference"], ["ciLow", "95 % CI low"], ["ciHigh", "95 % CI high"], ["pValue", "p-value"]];
      // no figure (too few members on a side: NaN) shows as a dash, never as NaN
      const cell = v => v == null || v === "NaN" || (typeof v === "number" && !Number.isFinite(v)) ? "–"
        : typeof v === "number" && !Number.isInteger(v) ? v.toPrecision(4) : String(v);
      into.replaceChildren(h("h3", {}, `Results: ${c.name} (${r.from || ""} – ${r.to || ""})`), h("div", { class: "scroll" }, h("table", { id: "results" },
        h("thead", {}, h("tr", {}, h("th", {}, "Metric"), columns.map(([, label]) => h("th", { class: "num" }, label)))),
        h("tbody", {}, metrics.map(([m, label]) => h("tr", { dataset: { metric: m } }, h("td", {}, label),
          columns.map(([k]) => h("td", { class: "num", dataset: { column: k } }, cell(r[m][k])))))))));
    } catch (e) { into.replaceChildren(status(problemText(e), true)); }
  }

  // today's date (YYYY-MM-DD) in a time zone, from its parts: a locale's format is the engine's choice; a zone
  // the browser does not know (Java accepts "GMT+09:00", Intl may not) falls back to UTC's date
  function dateIn(zone) {
    const formatIn = z => new Intl.DateTimeFormat("en-US", { timeZone: z, year: "numeric", month: "2-digit", day: "2-digit" });
    let format;
    try { format = formatIn(zone || "UTC"); } catch (e) { format = formatIn("UTC"); }
    const part = Object.fromEntries(format.formatToParts(new Date()).map(x => [x.type, x.value]));
    return `${part.year}-${part.month}-${part.day}`;
  }

  async function settlements(p, body) {
    const rows = await api("partner", P(p.partnerId) + "/settlements");
    const preview = h("div", { id: "settlement-preview" });
    const statement = s => facts([["Period", `${s.periodStart} – ${s.periodEnd}`], ["Status", badge(s.status)],
      ["Points issued", num(s.pointsIssued)], ["Points redeemed", num(s.pointsRedeemed)],
      ["Partner owes", `${num(s.partnerOwes)} ${s.currency || ""}`], ["Network owes", `${num(s.networkOwes)} ${s.currency || ""}`],
      ["Net", `${num(s.netAmount)} ${s.currency || ""}`]]);
    // statements are periods of the network's days (the settings' zone, Asia/Seoul by default): a default
    // period ending on the browser's or UTC's date left out the day's sales for part of the network's day
    const today = dateIn(settings.zone);
    const monthStart = today.slice(0, 8) + "01";
    body.append(h("section", { class: "card" }, h("h3", {}, "Closed statements"), table([
      { label: "Period", value: s => `${s.periodStart} – ${s.periodEnd}` },
      { label: "Issued", value: s => num(s.pointsIssued), num: true }, { label: "Redeemed", value: s => num(s.pointsRedeemed), num: true },
      { label: "Net", value: s => `${num(s.netAmount)} ${s.currency || ""}`, num: true },
      { label: "Closed", value: s => `${when(s.closedAt)} ${s.closedBy ? "by " + s.closedBy : ""}` },
      { label: "", value: s => h("button", { type: "button", class: "secondary", onclick: () =>
        download("partner", `${P(p.partnerId)}/settlements/${encodeURIComponent(s.statementId)}`, `statement-${s.periodStart}.csv`) }, "CSV") }],
      rows.slice().reverse(), { id: "statements", empty: "No closed statements yet." })),
      h("section", { class: "card" }, h("h3", {}, "Preview a period"), form({
        id: "preview", submit: "Preview",
        fields: [{ name: "periodStart", label: "From", type: "date", required: true, value: monthStart },
          { name: "periodEnd", label: "To (inclusive)", type: "date", required: true, value: today }],
        onSubmit: async v => {
          const s = await api("partner", `${P(p.partnerId)}/settlements/preview?${new URLSearchParams(v)}`);
          preview.replaceChildren(statement(s));
        } }), preview),
      operator ? h("section", { class: "card" }, h("h3", {}, "Close a period"), form({
        id: "close", submit: "Close statement", danger: true,
        fields: [{ name: "periodStart", label: "From", type: "date", required: true },
          { name: "periodEnd", label: "To (inclusive, ended)", type: "date", required: true }],
        onSubmit: async v => {
          await api("partner", P(p.partnerId) + "/settlements", { method: "POST", body: v });
          await partnerPage(p.partnerId, "settlements");
        } })) : "");
  }

  // the names a webhook may subscribe to, as partner-service lists them (its WebhookEventType): a list kept here
  // missed the reward order events
  const WEBHOOK_EVENTS = settings.webhookEvents || [];

  // a rotation's Idempotency-Key, per webhook, kept until the service answers: a retry after a lost answer
  // rotates once, so the secret the partner's endpoint still has keeps signing through the overlap
  const rotationKeys = {};

  async function webhooks(p, body) {
    const rows = await api("partner", P(p.partnerId) + "/webhooks");
    const W = w => `${P(p.partnerId)}/webhooks/${encodeURIComponent(w.webhookId)}`;
    const log = h("div", { id: "deliveries" });
    let webhookKey = crypto.randomUUID();   // one webhook per key: a retry after a lost answer gets the first one, and its secret
    const reload = () => partnerPage(p.partnerId, "webhooks");
    body.append(h("section", { class: "card" }, table([
      { label: "URL", value: w => w.url }, { label: "Events", value: w => w.events.join(", ") },
      { label: "Status", value: w => [badge(w.status), w.disabledReason ? " " + w.disabledReason : ""] },
      { label: "", value: w => h("div", { class: "row" },
        act("Deliveries", () => deliveries(w, W(w), log, 0)),
        operator ? act("Rotate secret", async () => {
          const key = rotationKeys[w.webhookId] ||= crypto.randomUUID();
          const a = await api("partner", W(w) + "/rotation", { method: "POST", body: {}, headers: { "Idempotency-Key": key } });
          delete rotationKeys[w.webhookId];
          await reload();
          // the old secret goes on signing beside the new one for the overlap (a day), so the endpoint can switch meanwhile
          main.querySelector("#tab-webhooks").prepend(secretPanel("The webhook's new signing secret", [["Secret", a.secret, "webhook-secret"],
            ["The old secret also signs until", a.previousSecretExpiresAt || "now (it signs nothing)", "webhook-previous-until"]]));
        }) : "",
        operator && w.status === "DISABLED" ? act("Enable", async () => { await api("partner", W(w) + "/enable", { method: "POST", body: {} }); await reload(); }) : "",
        operator ? act("Delete", async () => {
          if (!confirm(`Delete the webhook to ${w.url} and its delivery log?`)) return;
          await api("partner", W(w), { method: "DELETE" });
          await reload();
        }, "danger") : "") }], rows, { id: "webhooks", empty: "No webhooks." }), log));
    if (operator) body.append(h("section", { class: "card" }, h("h3", {}, "Register a webhook"), form({
      id: "webhook", submit: "Register",
      fields: [{ name: "url", label: "URL (https://)", type: "url", required: true },
        { name: "events", label: "Events", type: "checkboxes", options: WEBHOOK_EVENTS, required: true }],
      onSubmit: async v => {
        const a = await api("partner", P(p.partnerId) + "/webhooks", { method: "POST", body: v, headers: { "Idempotency-Key": webhookKey } });
        webhookKey = crypto.randomUUID();
        await reload();
        main.querySelector("#tab-webhooks").prepend(secretPanel("The webhook's signing secret", [["Secret", a.secret, "webhook-secret"]]));
      } })));
  }

  async function deliveries(w, path, into, offset) {
    into.replaceChildren(h("progress", { "aria-label": "Loading deliveries" }));
    let page;
    try {
      page = await api("partner", `${path}/deliveries?${new URLSearchParams({ offset, limit: PAGE })}`);
    } catch (e) {
      into.replaceChildren(status(problemText(e), true));
      return;
    }
    into.replaceChildren(h("h3", {}, `Deliveries to ${w.url}`), h("div", { class: "scroll" }, h("table", {},
      h("thead", {}, h("tr", {}, ["Event", "Status", "Attempts", "Last attempt", "HTTP", "Error", ""].map(t => h("th", {}, t)))),
      h("tbody", {}, page.items.map(d => h("tr", {}, h("td", {}, d.eventType), h("td", {}, badge(d.status)),
        h("td", { class: "num" }, d.attempts), h("td", {}, when(d.lastAttemptAt)), h("td", {}, d.lastHttpStatus ?? ""),
        h("td", {}, d.lastError || ""),
        h("td", {}, operator && d.status !== "PENDING" ? act("Replay", async () => {
          await api("partner", `${path}/deliveries/${encodeURIComponent(d.deliveryId)}/replay`, { method: "POST", body: {} });
          await deliveries(w, path, into, offset);
        }) : "")))))),
      h("div", { class: "pager" },
        h("button", { type: "button", class: "secondary", disabled: offset === 0, onclick: () => deliveries(w, path, into, offset - PAGE) }, "Previous"),
        `${page.total ? offset + 1 : 0}–${offset + page.items.length} of ${page.total}`,
        h("button", { type: "button", class: "secondary", disabled: offset + PAGE >= page.total, onclick: () => deliveries(w, path, into, offset + PAGE) }, "Next")));
  }

  async function mileage(p, body) {
    body.append(h("section", { class: "card" }, h("h3", {}, "Mileage program (conversion of points to the partner's miles)"), form({
      id: "mileage", submit: "Save terms",
      fields: [{ name: "programCode", label: "Program code", required: true },
        { name: "milesPerPoint", label: "Miles per point", type: "number", required: true, min: 0.0001, step: "0.0001" },
        { name: "minimumPoints", label: "Minimum points", type: "number", required: true, min: 1, step: 1 },
        { name: "stepPoints", label: "Step (points)", type: "number", required: true, min: 1, step: 1 }],
      onSubmit: async v => {
        const t = await api("partner", P(p.partnerId) + "/mileage-program", { method: "PUT", body: v });
        body.querySelector("#mileage").after(h("p", { class: "notice", role: "status" }, `Saved: ${t.milesPerPoint} miles a point, from ${t.minimumPoints} in steps of ${t.stepPoints}.`));
      } })));
  }

  // ---- member support (operators) ----------------------------------------------------------------
  function memberSearch() {
    if (!operator) throw new Error("Member support is for the network's operators.");
    const results = h("div", { id: "member-results" });
    show(h("h2", {}, "Members"), h("section", { class: "card" }, form({
      id: "member-search", submit: "Search",
      fields: [{ name: "q", label: "Mobile number, card number (exact) or a part of the name", required: true, maxlength: 100 }],
      onSubmit: async v => {
        const rows = await api("member", `/members/v1/members?${new URLSearchParams({ q: v.q, limit: 200 })}`);
        results.replaceChildren(table([
          { label: "Name", value: m => h("a", { href: "#/members/" + encodeURIComponent(m.memberId) }, m.name || m.memberId) },
          { label: "Mobile", value: m => m.mobileNumber }, { label: "Grade", value: m => m.grade },
          { label: "Status", value: m => badge(m.status) }, { label: "Joined", value: m => when(m.joinedAt) }],
          rows, { empty: "No member matches." }));
      } }), results));
  }

  async function memberPage(id) {
    if (!operator) throw new Error("Member support is for the network's operators.");
    const M = `/members/v1/members/${encodeURIComponent(id)}`;
    const mine = navigation;
    const [member, balance] = await Promise.all([api("member", M), api("ledger", `/ledger/v1/accounts/${encodeURIComponent(id)}/balance`)]);
    const entries = h("div", { id: "entries" });
    const audit = h("div", { id: "member-audit" });
    const reload = () => memberPage(id);
    let adjustmentKey = crypto.randomUUID();   // one adjustment per key: a retry after a lost answer is not a second one
    showFor(mine, h("h2", {}, member.name || id, " ", badge(member.status)),
      h("section", { class: "card" }, facts([["Member id", id], ["Mobile", member.mobileNumber], ["E-mail", member.email],
        ["Grade", member.grade], ["Joined", when(member.joinedAt)],
        ["Cards", (member.cards || []).map(c => `${c.cardNumber} (${c.status})`).join(", ")]])),
      h("section", { class: "card", id: "balance" }, h("h3", {}, "Balance"), facts([
        ["Available", num(balance.available)], ["Pending", num(balance.pending)], ["Held", num(balance.held)],
        ["Debt", num(balance.debt)], ["Lifetime earned", num(balance.lifetimeEarned)], ["Spent", num(balance.spent)],
        ["Expired", num(balance.expired)]])),
      h("section", { class: "card" }, h("h3", {}, "Adjust the balance"), form({
        id: "adjust", submit: "Post adjustment",
        fields: [{ name: "points", label: "Points (negative to debit)", type: "number", required: true, step: 1,
          check: v => Number(v) === 0 ? "An adjustment moves at least one point." : null },
          { name: "reason", label: "Reason (kept in the audit trail)", required: true, maxlength: 500 }],
        onSubmit: async v => {
          await api("ledger", "/ledger/v1/adjustments", { method: "POST", body: { memberId: id, ...v },
            headers: { "Idempotency-Key": adjustmentKey } });
          adjustmentKey = crypto.randomUUID();
          await reload();
        } })),
      h("section", { class: "card" }, h("h3", {}, "Suspension"), member.status === "SUSPENDED"
        ? reasonAction("member-reinstate", "Reinstate", async r => { await api("member", M + "/reinstatement", { method: "POST", body: { reason: r } }); await reload(); })
        : member.status === "ACTIVE"
          ? reasonAction("member-suspend", "Suspend", async r => { await api("member", M + "/suspension", { method: "POST", body: { reason: r } }); await reload(); }, { danger: true })
          : h("p", {}, `No change possible (${member.status}).`)),
      h("section", { class: "card" }, h("h3", {}, "Entries"), entries),
      h("section", { class: "card" }, h("h3", {}, "Operators' actions on this member"), audit));
    loadEntries(id, entries, null, []);
    try {
      const a = await api("member", M + "/audit?limit=200");
      const rows = Array.isArray(a) ? a : a.items || a.entries || [];
      audit.replaceChildren(table([{ label: "When", value: r => when(r.at) }, { label: "Action", value: r => r.action },
        { label: "By", value: r => r.actor }, { label: "Reason", value: r => r.reason }], rows, { empty: "None." }));
    } catch (e) { audit.replaceChildren(status(problemText(e), true)); }
  }

  async function loadEntries(id, into, cursor, shown) {
    into.replaceChildren(...shown.length ? into.childNodes : [], h("progress", { "aria-label": "Loading entries" }));
    try {
      const q = new URLSearchParams({ limit: PAGE });
      if (cursor) q.set("cursor", cursor);
      const page = await api("ledger", `/ledger/v1/accounts/${encodeURIComponent(id)}/entries?${q}`);
      const rows = shown.concat(page.entries);
      into.replaceChildren(h("div", { class: "scroll" }, h("table", {},
        h("thead", {}, h("tr", {}, ["When", "Kind", "Points", "Partner", "Reference"].map(t => h("th", {}, t)))),
        h("tbody", {}, rows.map(e => h("tr", {}, h("td", {}, when(e.postedAt)), h("td", {}, e.kind),
          h("td", { class: "num" }, num(e.points)), h("td", {}, e.partnerId || ""), h("td", {}, e.ref || "")))))),
        rows.length ? "" : h("p", {}, "No entries."),
        page.nextCursor ? h("button", { type: "button", class: "secondary", onclick: () => loadEntries(id, into, page.nextCursor, rows) }, "More") : "");
    } catch (e) { into.replaceChildren(status(problemText(e), true)); }
  }

  // ---- dead letters (operators): what each service's consumers could not apply (docs/events.md) ----------
  const LETTERS = [["partner", "/partners/v1"], ["member", "/members/v1"], ["ledger", "/ledger/v1"], ["analytics", "/analytics/v1"]];

  async function deadLetters(state) {
    if (!operator) throw new Error("Dead letters are for the network's operators.");
    const mine = navigation;
    const reload = () => deadLetters(state);
    const sections = await Promise.all(LETTERS.map(async ([service, root]) => {
      try {
        const page = await api(service, `${root}/dead-letters?${new URLSearchParams({ status: state, limit: 100 })}`);
        return { service, root, letters: page.items, more: page.next != null };
      } catch (e) { return { service, root, error: problemText(e) }; }
    }));
    const letterPath = (root, l) => `${root}/dead-letters/${encodeURIComponent(l.id)}`;
    showFor(mine, h("h2", {}, "Dead letters"),
      h("p", {}, "Events a service's consumers gave up on. Replay one once its cause is fixed (it is applied at most once), or discard it with a reason."),
      h("nav", { class: "tabs", "aria-label": "Which letters" }, ["PARKED", "REPLAYED", "DISCARDED"].map(s =>
        h("a", { href: "#/dead-letters/" + s, "aria-current": s === state ? "page" : null }, s.toLowerCase()))),
      ...sections.map(({ service, root, letters, error, more }) => h("section", { class: "card", id: "dead-letters-" + service },
        h("h3", {}, `${service}-service`),
        more ? h("p", { class: "notice" }, state === "PARKED"
          ? "The oldest 100 are shown: resolve them to see the next." : "The oldest 100 are shown.") : null,
        error ? status(error, true) : table([
          { label: "Id", value: l => String(l.id) },
          { label: "Event", value: l => l.eventType || "(not an event)" },
          { label: "Key", value: l => l.key || "" },
          { label: "From", value: l => `${l.sourceTopic || "?"} (${l.channel || "no channel"})` },
          { label: "Dead at", value: l => when(l.deadAt) },
          { label: "Why", value: l => l.lastError || l.reason || "" },
          { label: "Record", value: l => h("details", {}, h("summary", {}, "show"), h("pre", { class: "payload" }, l.payload)) },
          { label: "Attempts", value: l => String(l.replayAttempts), num: true },
          { label: state === "PARKED" ? "Actions" : "Resolved", value: l => state === "PARKED"
            ? h("div", { class: "row", dataset: { letter: `${service}-${l.id}` } },
                act("Replay", async () => { await api(service, letterPath(root, l) + "/replay", { method: "POST" }); await reload(); }),
                reasonAction(`discard-${service}-${l.id}`, "Discard", async r => {
                  await api(service, letterPath(root, l) + "/discard", { method: "POST", body: { reason: r } });
                  await reload();
                }, { danger: true }))
            : `${l.outcome || l.discardReason || ""} by ${l.resolvedBy || "?"}, ${when(l.resolvedAt)}` }],
          letters, { empty: state === "PARKED" ? "None waiting." : "None." }))));
  }

  // ---- analytics: the dashboard, signed in with the same session ----------------------------------------
  function analytics() {
    const url = `${base.analytics}/dashboard/${ownPartner ? "?scope=" + encodeURIComponent(ownPartner) : ""}`;
    show(h("h2", {}, "Analytics"), h("section", { class: "card" },
      h("p", {}, operator ? "The network's dashboard: the whole network, or any partner." : "Your customers: members, purchases, stores, campaigns."),
      h("a", { href: url, id: "dashboard-link" }, "Open the analytics dashboard")));
  }

  await route();
})().catch(e => {
  // a bug of the page itself: say so instead of leaving "Signing in…"
  const p = document.getElementById("status") || document.getElementById("main").appendChild(document.createElement("p"));
  p.className = "error";
  p.textContent = `The console failed: ${e && e.message || e}`;
});

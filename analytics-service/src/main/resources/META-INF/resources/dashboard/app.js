// The dashboard: a partner sees its own customers, an operator the network or any partner. Every
// figure comes from the analytics API (the same report rows as the JSON and CSV answers).
"use strict";
(async () => {
  const $ = id => document.getElementById(id);
  const status = (text, error) => { $("status").textContent = text; $("status").className = error ? "error" : ""; };
  const GRADES = ["VVIP", "VIP", "LOYAL", "GENERAL"];
  const SEGMENTS = ["NONE", "PROSPECTIVE", "NEW", "ACTIVE", "REACTIVATED", "DORMANT", "CHURNED"];
  const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

  let me;
  try { me = await Auth.init(); } catch (e) { status(e.message, true); return; }
  const roles = (me.realm_access && me.realm_access.roles) || [];
  const operator = roles.includes("operator");
  $("user").textContent = `${me.preferred_username || me.sub}${operator ? " (operator)" : me.partner_id ? "" : " (no partner)"}`;
  $("logout").hidden = false;
  $("logout").onclick = () => Auth.logout();

  const query = new URLSearchParams(location.search);
  // no asOf: the service's today, in the network's time zone
  $("asOf").value = query.get("asOf") || "";
  $("from").value = query.get("from") || "";

  // scope: the partner's own, or for operators the network and every partner
  const scope = $("scope");
  if (operator) {
    scope.add(new Option("Whole network", "network"));
    try {
      for (const p of await Auth.api("/analytics/v1/network/partners")) scope.add(new Option(p.name, p.partnerId));
    } catch (e) { status(e.message, true); }
    scope.disabled = false;
  } else if (me.partner_id) {
    scope.add(new Option(me.partner_id, me.partner_id));
  } else {
    status("This account is neither a partner's nor an operator's: ask the network's operator for access.", true);
    return;
  }
  if (query.get("scope")) scope.value = query.get("scope");
  // a scope this account has no option for (another partner's id in a shared link) selects nothing: the first one
  if (scope.selectedIndex < 0) scope.selectedIndex = 0;

  $("controls").onsubmit = ev => {
    ev.preventDefault();
    const q = new URLSearchParams({ scope: scope.value });
    if ($("asOf").value) q.set("asOf", $("asOf").value);
    if ($("from").value) q.set("from", $("from").value);
    history.replaceState(null, "", "?" + q);
    load();
  };
  await load();

  async function load() {
    const id = scope.value, asOf = $("asOf").value, from = $("from").value;
    const base = id === "network" ? "/analytics/v1/network/reports/" : `/analytics/v1/partners/${encodeURIComponent(id)}/reports/`;
    const q = "?" + new URLSearchParams({ ...(asOf ? { asOf } : {}), ...(from ? { from } : {}) });
    document.querySelectorAll(".chart").forEach(f => { f.dataset.state = "loading"; delete f.dataset.points; });
    status(`Loading ${scope.selectedOptions[0].text}${asOf ? " as of " + asOf : ""}…`);
    try {
      const [members, tx, stores] = await Promise.all(["members", "transactions", "stores"].map(k => Auth.api(base + k + q)));
      kpis(members, tx);
      draw("chart-sales", plot => salesTrend(plot, tx));
      draw("chart-grades", plot => Charts.bars(plot, GRADES.map((g, i) => ({ label: g, value: num(members, "grade", g, "members"),
        color: Charts.PALETTE[i] })).filter(x => x.value > 0)));
      draw("chart-rfm", plot => rfm(plot, members));
      draw("chart-segments", plot => Charts.flows(plot, rows(members, "segment-flow", "members").map(r => {
        const [from, to] = r.label.split(">"); return { from, to, value: r.value }; }), SEGMENTS));
      draw("chart-dayhour", plot => dayHour(plot, tx));
      draw("chart-stores", plot => Charts.hbars(plot, rows(stores, "stores", "sales").slice(0, 15).map(r => ({
        label: r.label.replace(/^[^/]*\//, ""), value: r.value,
        note: `${Charts.fmt.format(num(stores, "stores", r.label, "customers"))} customers` }))));
      draw("chart-cohorts", plot => cohorts(plot, members));
      // figures may come from a snapshot: say when the oldest of the three was computed
      const computed = [members, tx, stores].map(r => r.computedAt).filter(Boolean).sort()[0];
      status(`${scope.selectedOptions[0].text}: purchases ${members.from} to ${members.to}, scores as of ${members.asOf}` +
        (computed ? `, figures as of ${new Date(computed).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false })}` : "") +
        (members.noiseEpsilon != null
          ? ` (groups under ${members.minimumGroup} people are left out; counts about people beyond your own records carry privacy noise)`
          : ` (groups under ${members.minimumGroup} people are suppressed)`));
      await uplift(id);
    } catch (e) {
      status(e.message, true);
      document.querySelectorAll('.chart[data-state="loading"]').forEach(f => { f.dataset.state = "error"; });
    }
  }

  function draw(id, render) {
    const fig = $(id), plot = fig.querySelector(".plot");
    try {
      const n = render(plot);
      fig.dataset.points = n;
      fig.dataset.state = n > 0 ? "ready" : "empty";
      if (!n) plot.replaceChildren();
    } catch (e) {
      fig.dataset.state = "error";
      plot.textContent = e.message;
    }
  }

  /** A report section's rows of one metric as {label, value}; suppressed rows (no value) left out. */
  function rows(report, section, metric) {
    return report.rows.filter(r => r.section === section && r.metric === metric && r.value !== null)
      .map(r => ({ label: r.label, value: Number(r.value) }));
  }
  function num(report, section, label, metric) {
    const r = report.rows.find(x => x.section === section && x.label === label && x.metric === metric);
    return r && r.value !== null ? Number(r.value) : 0;
  }

  function kpis(members, tx) {
    const unit = ["day", "week", "month"].find(u => rows(tx, "sales-by-" + u, "sales").length);
    const sales = unit ? rows(tx, "sales-by-" + unit, "sales").reduce((a, r) => a + r.value, 0) : 0;
    const purchases = unit ? rows(tx, "sales-by-" + unit, "purchases").reduce((a, r) => a + r.value, 0) : 0;
    $("kpis").replaceChildren(...[
      ["Customers", num(members, "summary", "customers", "members")],
      ["Active", num(members, "summary", "active", "members")],
      ["Sales", sales], ["Purchases", purchases],
      ["At risk", num(members, "risk", "at-risk", "members")],
      ["Churned", num(members, "risk", "churned", "members")],
    ].map(([label, v]) => {
      const div = document.createElement("div");
      div.className = "kpi";
      div.innerHTML = `<b>${Charts.fmt.format(v)}</b><span>${label}</span>`;
      return div;
    }));
  }

  function salesTrend(plot, tx) {
    // the finest of day, week, month that stays readable
    const unit = ["day", "week", "month"].find(u => rows(tx, "sales-by-" + u, "sales").length <= 90) || "month";
    const pts = rows(tx, "sales-by-" + unit, "sales").map(r => ({ x: Date.parse(r.label), y: r.value }));
    if (!pts.length) return 0;
    $("chart-sales").querySelector("figcaption").textContent = `Sales trend (by ${unit})`;
    return Charts.lines(plot, [{ name: "", points: pts }], { area: true,
      xLabel: x => new Date(x).toISOString().slice(unit === "month" ? 0 : 5, unit === "month" ? 7 : 10) });
  }

  function rfm(plot, members) {
    const cells = new Map(rows(members, "rfm-rf", "members").map(r => [r.label, r.value]));
    if (!cells.size) return 0;
    return Charts.heatmap(plot, ["5", "4", "3", "2", "1"], ["1", "2", "3", "4", "5"], (r, f) => cells.get(r + f),
      { rowTitle: "recency", colTitle: "frequency", cell: 40 });
  }

  function dayHour(plot, tx) {
    const cells = new Map(rows(tx, "day-hour", "purchases").map(r => [r.label, r.value]));
    if (!cells.size) return 0;
    const hours = [...Array(24).keys()].map(h => String(h).padStart(2, "0"));
    return Charts.heatmap(plot, DAYS, hours, (d, h) => cells.get(`${DAYS.indexOf(d) + 1}-${h}`) || 0,
      { rowTitle: "", colTitle: "hour", cell: 19, showValues: false });
  }

  function cohorts(plot, members) {
    const byCohort = new Map();
    for (const r of rows(members, "vintage", "active-share")) {
      const [cohort, k] = r.label.split("+");
      if (!byCohort.has(cohort)) byCohort.set(cohort, []);
      byCohort.get(cohort).push({ x: Number(k), y: r.value });
    }
    const series = [...byCohort.entries()].sort().slice(-8).map(([name, points]) => ({ name, points }));
    if (!series.length) return 0;
    return Charts.lines(plot, series, { xLabel: x => "+" + x + "m", format: Charts.pct, yMax: Math.max(0.05, ...series.flatMap(s => s.points.map(p => p.y))) });
  }

  async function uplift(id) {
    const fig = $("chart-uplift");
    try {
      const list = await Auth.api("/analytics/v1/campaigns" + (id === "network" ? "?partnerId=network" : `?partnerId=${encodeURIComponent(id)}`));
      const results = await Promise.all(list.slice(0, 8).map(c => Auth.api(`/analytics/v1/campaigns/${encodeURIComponent(c.campaignId)}/results`)));
      const items = results.filter(r => r.purchaseRate && r.purchaseRate.treatmentMembers > 0 && r.purchaseRate.controlMembers > 0)
        .map(r => ({ label: r.name, estimate: r.purchaseRate.difference, low: r.purchaseRate.ciLow, high: r.purchaseRate.ciHigh,
          note: `p = ${r.purchaseRate.pValue.toFixed(3)}, ${r.purchaseRate.treatmentMembers} treated / ${r.purchaseRate.controlMembers} control` }));
      draw("chart-uplift", plot => Charts.forest(plot, items));
    } catch (e) {
      fig.dataset.state = "error";
      fig.querySelector(".plot").textContent = e.message;
    }
  }
})();

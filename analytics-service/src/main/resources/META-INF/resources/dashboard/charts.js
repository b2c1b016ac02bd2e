// Charts as plain SVG, no library: each draws into a figure's .plot and answers how many data
// marks it drew (the figure's data-points, which the browser test reads).
"use strict";
const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const PALETTE = ["#2f6fde", "#1f9d6b", "#f0a202", "#d9534f", "#7e57c2", "#00a3bf", "#8d6e63", "#ec407a", "#5c6bc0", "#9ccc65", "#ff7043", "#78909c"];
  const fmt = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
  const pct = v => (v * 100).toFixed(1) + " %";

  function el(name, attrs, parent, text) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function svg(plot, w, h) {
    plot.replaceChildren();
    return el("svg", { viewBox: `0 0 ${w} ${h}`, role: "img" }, plot);
  }
  function mark(name, attrs, parent, title) {
    const e = el(name, { ...attrs, class: "mark " + (attrs.class || "") }, parent);
    el("title", {}, e, title);
    return e;
  }
  function legend(plot, entries) {
    const div = document.createElement("div");
    div.className = "legend";
    for (const [label, color] of entries) {
      const span = document.createElement("span");
      span.innerHTML = `<i style="background:${color}"></i>`;
      span.append(label);
      div.appendChild(span);
    }
    plot.appendChild(div);
  }
  // light to saturated blue by share of the maximum
  const heat = share => `hsl(217, ${35 + 45 * share}%, ${96 - 52 * share}%)`;

  /** Vertical bars: items [{label, value}]. */
  function bars(plot, items, { color = PALETTE[0], format = fmt.format } = {}) {
    const W = 520, H = 240, L = 40, B = 28, max = Math.max(1, ...items.map(i => i.value));
    const s = svg(plot, W, H), bw = (W - L) / Math.max(1, items.length);
    el("line", { x1: L, y1: H - B, x2: W, y2: H - B, class: "axis" }, s);
    items.forEach((it, i) => {
      const h = (H - B - 20) * it.value / max, x = L + i * bw + bw * 0.15;
      mark("rect", { x, y: H - B - h, width: bw * 0.7, height: Math.max(h, 0.5), fill: it.color || color, rx: 3 }, s, `${it.label}: ${format(it.value)}`);
      el("text", { x: x + bw * 0.35, y: H - B - h - 5, "text-anchor": "middle", class: "value" }, s, format(it.value));
      el("text", { x: x + bw * 0.35, y: H - 10, "text-anchor": "middle" }, s, it.label);
    });
    return items.length;
  }

  /** Horizontal bars, largest first: items [{label, value, note}]. */
  function hbars(plot, items, { color = PALETTE[1], format = fmt.format } = {}) {
    const row = 24, W = 520, L = 190, H = Math.max(60, items.length * row + 10), max = Math.max(1, ...items.map(i => i.value));
    const s = svg(plot, W, H);
    items.forEach((it, i) => {
      const w = (W - L - 60) * it.value / max, y = 5 + i * row;
      el("text", { x: L - 8, y: y + 15, "text-anchor": "end" }, s, it.label.length > 30 ? it.label.slice(0, 29) + "…" : it.label);
      mark("rect", { x: L, y, width: Math.max(w, 0.5), height: row - 6, fill: color, rx: 3 }, s, `${it.label}: ${format(it.value)}${it.note ? " · " + it.note : ""}`);
      el("text", { x: L + w + 6, y: y + 14, class: "value" }, s, format(it.value));
    });
    return items.length;
  }

  /** A grid heatmap: rows and columns of labels, value(row, col) or undefined. */
  function heatmap(plot, rows, cols, value, { rowTitle = "", colTitle = "", cell = 28, format = fmt.format, showValues = true } = {}) {
    const L = 40, T = 16, W = L + cols.length * cell + 10, H = T + rows.length * cell + 34;
    const s = svg(plot, Math.max(W, 520), H);
    let max = 0, n = 0;
    rows.forEach(r => cols.forEach(c => { max = Math.max(max, value(r, c) || 0); }));
    rows.forEach((r, i) => {
      el("text", { x: L - 6, y: T + i * cell + cell / 2 + 4, "text-anchor": "end" }, s, r);
      cols.forEach((c, j) => {
        const v = value(r, c);
        const rect = { x: L + j * cell, y: T + i * cell, width: cell - 2, height: cell - 2, rx: 3 };
        if (v === undefined || v === null) { el("rect", { ...rect, fill: "#f0f2f5" }, s); return; }
        mark("rect", { ...rect, fill: heat(max ? v / max : 0) }, s, `${rowTitle} ${r}, ${colTitle} ${c}: ${format(v)}`);
        n++;
        if (showValues && cell >= 26) el("text", { x: rect.x + cell / 2 - 1, y: rect.y + cell / 2 + 3, "text-anchor": "middle", class: "value" }, s, format(v));
      });
    });
    cols.forEach((c, j) => { if (cols.length <= 12 || j % 3 === 0) el("text", { x: L + j * cell + cell / 2, y: T + rows.length * cell + 14, "text-anchor": "middle" }, s, c); });
    el("text", { x: L, y: H - 4 }, s, `${colTitle} →   ${rowTitle} ↓`);
    return n;
  }

  /** Lines: series [{name, points: [{x, y}]}] over numeric x; xLabel(x) for the axis. */
  function lines(plot, series, { xLabel = String, format = fmt.format, yMax, area = false } = {}) {
    const W = 520, H = 240, L = 48, B = 26, T = 10;
    const xs = series.flatMap(s => s.points.map(p => p.x)), ys = series.flatMap(s => s.points.map(p => p.y));
    const x0 = Math.min(...xs), x1 = Math.max(...xs), top = yMax ?? Math.max(1e-9, ...ys);
    const X = x => L + (x1 === x0 ? (W - L) / 2 : (W - L - 10) * (x - x0) / (x1 - x0));
    const Y = y => T + (H - B - T) * (1 - y / top);
    const s = svg(plot, W, H);
    el("line", { x1: L, y1: H - B, x2: W, y2: H - B, class: "axis" }, s);
    [0, 0.5, 1].forEach(f => el("text", { x: L - 6, y: Y(top * f) + 4, "text-anchor": "end" }, s, format(top * f)));
    const ticks = [...new Set(xs)].sort((a, b) => a - b), step = Math.ceil(ticks.length / 8);
    ticks.forEach((x, i) => { if (i % step === 0) el("text", { x: X(x), y: H - 8, "text-anchor": "middle" }, s, xLabel(x)); });
    let n = 0;
    series.forEach((ser, k) => {
      const color = PALETTE[k % PALETTE.length], pts = ser.points.slice().sort((a, b) => a.x - b.x);
      const d = pts.map((p, i) => `${i ? "L" : "M"}${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join("");
      if (area && pts.length > 1) el("path", { d: `${d}L${X(pts[pts.length - 1].x)},${Y(0)}L${X(pts[0].x)},${Y(0)}Z`, fill: color, opacity: 0.12 }, s);
      el("path", { d, fill: "none", stroke: color, "stroke-width": 2 }, s);
      pts.forEach(p => { mark("circle", { cx: X(p.x), cy: Y(p.y), r: 3, fill: color }, s, `${ser.name ? ser.name + ", " : ""}${xLabel(p.x)}: ${format(p.y)}`); n++; });
    });
    if (series.length > 1) legend(plot, series.map((ser, k) => [ser.name, PALETTE[k % PALETTE.length]]));
    return n;
  }

  /** Flows between two columns of categories (a two-step Sankey): flows [{from, to, value}]. */
  function flows(plot, links, order) {
    const W = 520, H = 260, NW = 14, GAP = 8, L = 110, R = W - 110;
    const s = svg(plot, W, H), total = links.reduce((a, l) => a + l.value, 0);
    const sides = ["from", "to"].map(side => order.filter(c => links.some(l => l[side] === c)));
    const scale = (H - 20 - GAP * Math.max(sides[0].length, sides[1].length)) / Math.max(1, total);
    const color = c => PALETTE[order.indexOf(c) % PALETTE.length];
    const place = (cats, side) => { let y = 10; const at = {};
      cats.forEach(c => { const v = links.filter(l => l[side] === c).reduce((a, l) => a + l.value, 0); at[c] = { y, h: v * scale, v, used: 0 }; y += v * scale + GAP; });
      return at; };
    const left = place(sides[0], "from"), right = place(sides[1], "to");
    let n = 0;
    links.slice().sort((a, b) => order.indexOf(a.from) - order.indexOf(b.from) || order.indexOf(a.to) - order.indexOf(b.to)).forEach(l => {
      const h = l.value * scale, a = left[l.from], b = right[l.to];
      const y0 = a.y + a.used + h / 2, y1 = b.y + b.used + h / 2; a.used += h; b.used += h;
      const mx = (L + NW + R) / 2;
      mark("path", { d: `M${L + NW},${y0}C${mx},${y0} ${mx},${y1} ${R},${y1}`, fill: "none", stroke: color(l.from), "stroke-opacity": 0.35,
        "stroke-width": Math.max(h, 1) }, s, `${l.from} → ${l.to}: ${fmt.format(l.value)}`);
      n++;
    });
    for (const [at, x, anchor, dx] of [[left, L, "end", -6], [right, R, "start", NW + 6]]) {
      for (const [c, p] of Object.entries(at)) {
        el("rect", { x, y: p.y, width: NW, height: Math.max(p.h, 1), fill: color(c), rx: 2 }, s);
        el("text", { x: x + dx, y: p.y + p.h / 2 + 4, "text-anchor": anchor }, s, `${c} ${fmt.format(p.v)}`);
      }
    }
    return n;
  }

  /** Estimates with intervals around zero (a forest plot): items [{label, estimate, low, high, note}]. */
  function forest(plot, items, { format = v => (v * 100).toFixed(2) + " pp" } = {}) {
    const row = 30, W = 520, L = 190, H = items.length * row + 30;
    const lo = Math.min(0, ...items.map(i => i.low)), hi = Math.max(0, ...items.map(i => i.high)), pad = (hi - lo) * 0.1 || 0.01;
    const X = v => L + (W - L - 20) * (v - lo + pad) / (hi - lo + 2 * pad);
    const s = svg(plot, W, H);
    el("line", { x1: X(0), y1: 0, x2: X(0), y2: H - 20, class: "zero" }, s);
    el("text", { x: X(0), y: H - 4, "text-anchor": "middle" }, s, "no effect");
    items.forEach((it, i) => {
      const y = 15 + i * row, good = it.low > 0, bad = it.high < 0, color = good ? "#1f9d6b" : bad ? "#d9534f" : "#6b7785";
      el("text", { x: L - 8, y: y + 4, "text-anchor": "end" }, s, it.label.length > 30 ? it.label.slice(0, 29) + "…" : it.label);
      el("line", { x1: X(it.low), y1: y, x2: X(it.high), y2: y, stroke: color, "stroke-width": 2 }, s);
      mark("circle", { cx: X(it.estimate), cy: y, r: 5, fill: color }, s,
        `${it.label}: ${format(it.estimate)} [${format(it.low)}, ${format(it.high)}]${it.note ? " · " + it.note : ""}`);
      el("text", { x: X(it.estimate), y: y - 8, "text-anchor": "middle", class: "value" }, s, format(it.estimate));
    });
    return items.length;
  }

  return { bars, hbars, heatmap, lines, flows, forest, fmt, pct, PALETTE };
})();

/**
 * The console's one page: plain HTML, CSS and a script (no build step), drawing with uPlot served from
 * this package's dependencies. It polls `/console/data` every 2 s; a redrive asks for confirmation and
 * posts `/console/redrive`.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Junction console</title>
<link rel="stylesheet" href="/console/uplot.css">
<style>
  :root { --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --ok: #12805c; --warn: #b54708; --bad: #c01048; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: #f8f9fb; }
  header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; padding: .75rem 1rem; background: #101828; color: #fff; }
  header h1 { font-size: 1.1rem; margin: 0; }
  header span { color: #98a2b3; font-size: .85rem; }
  main { display: grid; gap: 1rem; padding: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 28rem), 1fr)); }
  section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; overflow-x: auto; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 1rem; margin: 0 0 .5rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: middle; white-space: nowrap; }
  th { color: var(--muted); font-weight: 500; font-size: .8rem; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.msg { white-space: normal; min-width: 12rem; }
  .badge { display: inline-block; padding: 0 .4rem; border-radius: 999px; font-size: .75rem; margin-right: .25rem; }
  .closed { background: #ecfdf3; color: var(--ok); } .half-open { background: #fffaeb; color: var(--warn); } .open { background: #fff1f3; color: var(--bad); }
  .empty { color: var(--muted); }
  button { font: inherit; padding: .2rem .6rem; border: 1px solid #d0d5dd; border-radius: 6px; background: #fff; cursor: pointer; }
  button:hover { background: #f2f4f7; }
  #error { color: var(--bad); }
  .spark { width: 140px; height: 32px; }
</style>
</head>
<body>
<header><h1>Junction</h1><span id="updated">connecting…</span><span id="error"></span></header>
<main>
  <section class="wide"><h2>Routes</h2><table id="routes"><thead><tr>
    <th>route</th><th>delivered/s</th><th></th><th>failed/s</th><th>pending</th><th>ack pending</th><th>redelivered</th><th>breakers</th><th>dead letters</th>
  </tr></thead><tbody></tbody></table></section>
  <section class="wide"><h2>Dead letters</h2><table id="dlq"><thead><tr>
    <th>#</th><th>route</th><th>target</th><th>reason</th><th>error</th><th>subject</th><th>attempts</th><th></th>
  </tr></thead><tbody></tbody></table></section>
  <section><h2>Inbound queues</h2><table id="inbound"><thead><tr><th>inbound</th><th>queue</th><th>waiting</th><th>in flight</th></tr></thead><tbody></tbody></table></section>
  <section><h2>KV mirrors</h2><table id="kv"><thead><tr><th>bucket</th><th>table</th><th>lag (revisions)</th></tr></thead><tbody></tbody></table></section>
  <section class="wide"><h2>Gateway</h2><table id="gateway"><thead><tr>
    <th>route</th><th>req/s</th><th>2xx/s</th><th>4xx/s</th><th>429/s</th><th>5xx/s</th><th>mean latency</th><th>requests</th>
  </tr></thead><tbody></tbody></table></section>
</main>
<script src="/console/uplot.js"></script>
<script>
const POINTS = 60;
const history = new Map();
const charts = new Map();
let previous;

const el = (tag, { dataset, ...props } = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  if (dataset) Object.assign(node.dataset, dataset);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
};
const num = (v, digits = 0) => el("td", { className: "num" }, v === undefined ? "–" : Number(v).toFixed(digits));
const fill = (id, rows, empty) => {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { className: "empty", colSpan: 9 }, empty))]));
};

function spark(route, rate) {
  const points = history.get(route) ?? { t: [], v: [] };
  points.t.push(Date.now() / 1000); points.v.push(rate);
  if (points.t.length > POINTS) { points.t.shift(); points.v.shift(); }
  history.set(route, points);
  const drawn = charts.get(route);
  if (!drawn) {
    const holder = el("div", { className: "spark" });
    const chart = new uPlot({ width: 140, height: 32, cursor: { show: false }, legend: { show: false },
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
      axes: [{ show: false }, { show: false }], series: [{}, { stroke: "#2e90fa", fill: "rgba(46,144,250,.15)", points: { show: false } }] },
      [points.t, points.v], holder);
    charts.set(route, { chart, holder });
    return holder;
  }
  drawn.chart.setData([points.t, points.v]);
  return drawn.holder;
}

async function redrive(letter) {
  if (!confirm("Redrive dead letter #" + letter.seq + " of route " + letter.route + " to " + letter.target + "?")) return;
  const res = await fetch("/console/redrive?seq=" + letter.seq, { method: "POST", headers: { "x-junction-action": "redrive" } });
  const out = await res.json().catch(() => ({ ok: false, reason: res.statusText }));
  document.getElementById("error").textContent = out.ok ? "" : "redrive #" + letter.seq + ": " + out.reason;
  await refresh();
}

function render(data) {
  const { status, gateway, deadLetters } = data;
  fill("routes", status.routes.map((r) => el("tr", { dataset: { route: r.name } },
    el("td", {}, r.name), num(r.deliveredRate, 1), el("td", {}, spark(r.name, r.deliveredRate)), num(r.failedRate, 1),
    num(r.consumer?.pending), num(r.consumer?.ackPending), num(r.consumer?.redelivered),
    el("td", {}, ...Object.entries(r.breakers).map(([t, s]) => el("span", { className: "badge " + s }, t + " " + s))),
    el("td", { className: "num dead-letters" }, r.deadLetters))), "no routes");
  fill("dlq", deadLetters.map((l) => el("tr", { dataset: { seq: l.seq } },
    num(l.seq), el("td", {}, l.route), el("td", {}, l.target), el("td", {}, l.reason),
    el("td", { className: "msg" }, l.code + ": " + l.message), el("td", {}, l.subject), num(l.attempts),
    el("td", {}, el("button", { className: "redrive", onclick: () => redrive(l) }, "Redrive")))), "no dead letters");
  fill("inbound", status.inbound.map((q) => el("tr", {}, el("td", {}, q.name), el("td", {}, q.queue),
    q.error ? el("td", { className: "msg", colSpan: 2 }, q.error) : num(q.depth), ...(q.error ? [] : [num(q.inFlight)]))), "no inbound queues");
  fill("kv", status.kv.map((k) => el("tr", {}, el("td", {}, k.bucket), el("td", {}, k.table), num(k.lag))), "no KV mirrors");
  const seconds = previous ? (data.at - previous.at) / 1000 : 0;
  fill("gateway", gateway.map((g) => {
    const before = previous?.gateway.find((p) => p.route === g.route && p.method === g.method);
    const delta = (pick) => (before && seconds > 0 ? (pick(g) - pick(before)) / seconds : 0);
    const by = (test) => (x) => Object.entries(x.statuses).filter(([s]) => test(Number(s))).reduce((n, [, c]) => n + c, 0);
    const calls = before ? g.count - before.count : 0;
    const latency = calls > 0 ? ((g.seconds - before.seconds) / calls) * 1000 : undefined;
    return el("tr", {}, el("td", {}, g.method + " " + g.route), num(delta((x) => x.count), 1),
      num(delta(by((s) => s < 300)), 1), num(delta(by((s) => s >= 400 && s < 500 && s !== 429)), 1),
      num(delta(by((s) => s === 429)), 1), num(delta(by((s) => s >= 500)), 1),
      el("td", { className: "num" }, latency === undefined ? "–" : latency.toFixed(1) + " ms"), num(g.count));
  }), "no gateway routes");
  previous = data;
  document.getElementById("updated").textContent = "updated " + new Date(data.at).toLocaleTimeString();
}

async function refresh() {
  try {
    const res = await fetch("/console/data");
    if (!res.ok) throw new Error(await res.text());
    render(await res.json());
  } catch (err) {
    document.getElementById("updated").textContent = "cannot read the bridge: " + err.message;
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
`;

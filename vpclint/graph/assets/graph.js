/* vpclint graph: draws the graph embedded in this page (see docs/graph-schema.md).
 *
 * A layout of its own, deterministic and linear in the number of nodes: each VPC is a box
 * with its Availability Zones side by side, subnets stacked in each (public, private,
 * isolated), and bands of route tables, endpoints and load balancing below; AWS services sit
 * above the VPCs, transit, Lattice and PrivateLink below. When the scan holds several
 * templates or root modules, each is a box of its own ("stack") holding its VPCs and the rest,
 * as one would draw an estate: one area per deployment. Large pictures start with their
 * stacks and VPCs folded. Nothing is fetched: the page works offline.
 */
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("vpclint-data").textContent);
  const SVG_NS = "http://www.w3.org/2000/svg";
  const FOLD_ABOVE = 250; // nodes: larger pictures open with every VPC folded
  const WIRING_BELOW = 300; // nodes: smaller pictures show their wiring by default
  const CARD_W = 210, LINE = 13, PAD = 10, GAP = 12;
  const LEVELS = ["error", "warning", "note"];
  const TIERS = ["public", "private", "isolated", "unknown"];
  const KIND_WORDS = {
    vpc: "VPC", az: "AZ", subnet: "subnet", route_table: "route table",
    internet_gateway: "internet gateway", egress_only_gateway: "egress-only gateway",
    nat_gateway: "NAT gateway", transit_gateway: "transit gateway", peering: "peering",
    vpc_endpoint: "VPC endpoint", endpoint_service: "endpoint service",
    load_balancer: "load balancer", service_network: "service network",
    lattice_service: "Lattice service", listener: "listener",
    lattice_target_group: "target group", resource_gateway: "resource gateway",
    resource_configuration: "resource configuration", workload: "workload",
    aws_service: "AWS service", stack: "template or root module",
  };
  const ICONS = {
    vpc: "▣", subnet: "▭", route_table: "☰", internet_gateway: "⇅", egress_only_gateway: "⇡",
    nat_gateway: "⇄", transit_gateway: "✣", peering: "⇹", vpc_endpoint: "◉",
    endpoint_service: "◎", load_balancer: "⚖", service_network: "⬡", lattice_service: "⬢",
    listener: "◌", lattice_target_group: "▤", resource_gateway: "⊡", resource_configuration: "⚙",
    workload: "▶", aws_service: "☁", stack: "▦",
  };
  const WORKLOAD_ICONS = { lambda: "λ", ecs_service: "◫", instance: "□", autoscaling_group: "▦", eks_cluster: "✵", eks_node_group: "✵" };
  function icon(node) {
    return (node.kind === "workload" && WORKLOAD_ICONS[node.attrs.workload_kind]) || ICONS[node.kind] || "";
  }
  // Bands of the top level and of a VPC: which kinds go in which, in order.
  const ROOT_BANDS = [
    ["AWS services (public endpoints)", ["aws_service"]],
    ["Templates and root modules", ["stack"]],
    ["VPCs", ["vpc"]],
    ["Transit gateways and peerings", ["transit_gateway", "peering"]],
    ["VPC Lattice", ["service_network", "lattice_service", "resource_configuration", "lattice_target_group", "resource_gateway"]],
    ["PrivateLink", ["endpoint_service", "load_balancer"]],
  ];
  // Bands of a stack: what the root bands hold, less the AWS services every stack shares.
  const STACK_BANDS = ROOT_BANDS.filter(([, kinds]) => !kinds.includes("aws_service") && !kinds.includes("stack"));
  const VPC_BANDS = [
    ["gateways", ["internet_gateway", "egress_only_gateway"]],
    ["zones", ["az"]],
    ["route tables", ["route_table"]],
    ["endpoints", ["vpc_endpoint"]],
    ["load balancing, PrivateLink and Lattice", ["load_balancer", "endpoint_service", "lattice_target_group", "resource_gateway"]],
  ];

  // --- the data --------------------------------------------------------------------------
  const nodes = new Map(DATA.nodes.map((n) => [n.id, n]));
  const children = new Map();
  for (const n of DATA.nodes) {
    const key = n.parent && nodes.has(n.parent) ? n.parent : "";
    if (!children.has(key)) children.set(key, []);
    children.get(key).push(n);
  }
  // The template or root module a node comes from: its id up to "#" (docs/graph-schema.md).
  function stackOf(id) { const at = id.indexOf("#"); return at > 0 ? id.slice(0, at) : ""; }
  const stacks = [];
  (function groupByStack() {
    const top = children.get("") || [];
    if (new Set(top.map((n) => stackOf(n.id)).filter(Boolean)).size < 2) return; // one: no box
    const kept = [];
    for (const n of top) {
      const name = stackOf(n.id);
      if (!name) { kept.push(n); continue; }
      const id = "stack:" + name;
      if (!nodes.has(id)) {
        const template = /\.(ya?ml|json|template)$/i.test(name);
        const stack = { id, kind: "stack", label: name, parent: null, detail: [], attrs: { kind: template ? "template" : "root module" }, findings: [] };
        nodes.set(id, stack);
        children.set(id, []);
        stacks.push(stack);
        kept.push(stack);
      }
      n.parent = id;
      children.get(id).push(n);
    }
    children.set("", kept);
  })();
  // "template …/patterns/2-multi/network.yaml": a path's end tells stacks apart, so a title
  // too long for maxW pixels loses the start of its path, not the end.
  function stackTitle(node, maxW) {
    const kind = (node.attrs.kind || "stack") + " ";
    const fits = maxW ? Math.max(8, Math.floor(maxW / 6.9) - kind.length - 3) : Infinity;
    return kind + (node.label.length > fits ? "…" + node.label.slice(-fits) : node.label);
  }
  const FOLDABLE = ["stack", "vpc"];
  const findings = new Map(DATA.findings.map((f) => [f.id, f]));
  const verdicts = new Map(DATA.verdicts.map((v) => [v.name, v]));
  const flowsByNode = new Map();
  for (const flow of DATA.flows) {
    for (const id of flow.path.concat(flow.subnets)) {
      if (!flowsByNode.has(id)) flowsByNode.set(id, []);
      flowsByNode.get(id).push(flow);
    }
  }
  const state = {
    folded: new Set(),
    hiddenVerdicts: new Set(),
    hiddenRules: new Set(),
    selected: null,
    highlighted: new Set(),
    litFlows: new Set(),
    matches: new Set(),
    wiring: DATA.nodes.length < WIRING_BELOW,
    otherFolded: false,
    view: { x: 20, y: 20, k: 1 },
  };
  function foldAll() {
    for (const n of nodes.values()) if (FOLDABLE.includes(n.kind)) state.folded.add(n.id);
    state.otherFolded = true;
  }
  if (DATA.nodes.length > FOLD_ABOVE) foldAll();
  // Stands for the components outside every VPC and band while they are folded.
  const OTHER = { id: "(other)", kind: "other", label: "more components", detail: [], attrs: {}, findings: [] };
  let otherIds = new Set();

  function ancestors(id) {
    const out = [];
    let node = nodes.get(id);
    while (node && node.parent && nodes.has(node.parent)) {
      out.push(node.parent);
      node = nodes.get(node.parent);
    }
    return out;
  }
  function descendants(id, out) {
    for (const child of children.get(id) || []) {
      out.push(child.id);
      descendants(child.id, out);
    }
    return out;
  }
  function activeFindings(node) {
    return node.findings.map((id) => findings.get(id)).filter((f) => f && !state.hiddenRules.has(f.rule));
  }
  function worst(list) {
    for (const level of LEVELS) if (list.some((f) => f.level === level)) return level;
    return null;
  }
  function byName(a, b) {
    return a.label < b.label ? -1 : a.label > b.label ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  // --- layout ----------------------------------------------------------------------------
  // A box is {id, w, h, kids: [{box, dx, dy}], card: bool}; place() makes positions absolute.
  function textWidth(text, size) { return text.length * size * 0.6; }

  function cardLines(node) {
    const lines = node.detail.slice(0, 2);
    if (node.kind === "route_table") {
      const routes = node.attrs.routes || [];
      const shown = routes.slice(0, 6);
      if (routes.length > shown.length) shown.push("… " + (routes.length - shown.length) + " more");
      return (node.detail.filter(Boolean)).concat(shown);
    }
    return lines;
  }
  function cardBox(node) {
    const lines = cardLines(node);
    return { id: node.id, w: CARD_W, h: 22 + LINE * Math.max(1, lines.length) + 4, kids: [], card: true };
  }
  function foldedBox(node) {
    return { id: node.id, w: node.kind === "stack" ? 340 : 250, h: 22 + LINE * 4 + 12, kids: [], card: true, folded: true };
  }
  // Items side by side, wrapping before maxW; returns the row box's size and offsets.
  function flowRow(boxes, maxW, gap) {
    const kids = [];
    let x = 0, y = 0, rowH = 0, w = 0;
    for (const box of boxes) {
      if (x > 0 && x + box.w > maxW) { x = 0; y += rowH + gap; rowH = 0; }
      kids.push({ box, dx: x, dy: y });
      x += box.w + gap;
      rowH = Math.max(rowH, box.h);
      w = Math.max(w, x - gap);
    }
    return { kids, w, h: boxes.length ? y + rowH : 0 };
  }
  // Items one under the other; boxes (not cards) stretched to the widest, as on a whiteboard.
  function column(boxes, gap) {
    const kids = [];
    let y = 0, w = 0;
    for (const box of boxes) { kids.push({ box, dx: 0, dy: y }); y += box.h + gap; w = Math.max(w, box.w); }
    for (const box of boxes) if (!box.card) box.w = w;
    return { kids, w, h: boxes.length ? y - gap : 0 };
  }
  function stackBands(bands, head, minW) {
    // bands: [{title, row}], each row from flowRow/column; stacked under a header
    const kids = [];
    let y = head, w = minW;
    for (const band of bands) {
      if (!band.row.kids.length) continue;
      if (band.title) { band.titleY = y + 14; y += 20; }
      for (const k of band.row.kids) kids.push({ box: k.box, dx: PAD + k.dx, dy: y + k.dy });
      y += band.row.h + GAP;
      w = Math.max(w, band.row.w + 2 * PAD);
    }
    return { kids, w, h: y - GAP + PAD };
  }

  function layoutNode(node) {
    const kids = (children.get(node.id) || []).slice();
    if (FOLDABLE.includes(node.kind) && state.folded.has(node.id)) return foldedBox(node);
    if (node.kind === "vpc") return vpcBox(node, kids);
    if (node.kind === "stack") return stackBox(node, kids);
    if (!kids.length && node.kind !== "subnet") return cardBox(node);
    if (node.kind === "az") {
      kids.sort((a, b) => TIERS.indexOf(a.attrs.tier) - TIERS.indexOf(b.attrs.tier) || byName(a, b));
      const col = column(kids.map(layoutNode), GAP);
      const inner = stackBands([{ row: col }], 26, CARD_W + 2 * PAD);
      return { id: node.id, w: inner.w, h: inner.h, kids: inner.kids, card: false };
    }
    kids.sort(byName);
    const boxes = kids.map(layoutNode);
    const row = node.kind === "subnet" ? flowRow(boxes, 2 * CARD_W + GAP, GAP) : column(boxes, GAP);
    const inner = stackBands([{ row }], 22 + LINE * Math.min(2, node.detail.length) + 6, CARD_W + 2 * PAD);
    return { id: node.id, w: inner.w, h: inner.h, kids: inner.kids, card: false };
  }
  function vpcBox(node, kids) {
    const zones = kids.filter((k) => k.kind === "az").sort(byName).map(layoutNode);
    const tallest = Math.max(0, ...zones.map((z) => z.h));
    for (const zone of zones) zone.h = tallest;
    const zoneRow = flowRow(zones, Infinity, GAP);
    const maxW = Math.max(zoneRow.w, 3 * CARD_W + 2 * GAP);
    const used = new Set(["az"]);
    const bands = [];
    for (const [title, kinds] of VPC_BANDS) {
      if (kinds[0] === "az") { bands.push({ row: zoneRow }); continue; }
      kinds.forEach((k) => used.add(k));
      const members = kids.filter((k) => kinds.includes(k.kind)).sort(byName).map(layoutNode);
      bands.push({ title: title === "gateways" ? null : title, row: flowRow(members, maxW, GAP) });
    }
    const others = kids.filter((k) => !used.has(k.kind)).sort(byName).map(layoutNode);
    bands.push({ title: "other", row: flowRow(others, maxW, GAP) });
    const inner = stackBands(bands, 44, CARD_W + 2 * PAD);
    return { id: node.id, w: inner.w, h: inner.h, kids: inner.kids, card: false, bands };
  }
  function stackBox(node, kids) {
    const used = new Set();
    const bands = [];
    for (const [title, kinds] of STACK_BANDS) {
      kinds.forEach((k) => used.add(k));
      bands.push({ title: kinds.includes("vpc") ? null : title, boxes: kids.filter((k) => kinds.includes(k.kind)).sort(byName).map(layoutNode) });
    }
    bands.push({ title: "Other", boxes: kids.filter((k) => !used.has(k.kind)).sort(byName).map(layoutNode) });
    const area = bands.reduce((s, b) => s + b.boxes.reduce((t, x) => t + (x.w + GAP) * (x.h + GAP), 0), 0);
    const widest = Math.max(0, ...bands.map((b) => Math.max(0, ...b.boxes.map((x) => x.w))));
    const maxW = Math.max(widest, 3 * CARD_W + 4 * GAP, Math.sqrt(area) * 1.3);
    const rows = bands.map((b) => ({ title: b.title, row: flowRow(b.boxes, maxW, GAP * 2) }));
    const inner = stackBands(rows, 44, CARD_W + 2 * PAD);
    return { id: node.id, w: inner.w, h: inner.h, kids: inner.kids, card: false, bands: rows };
  }
  function layoutRoot() {
    const top = (children.get("") || []).slice().sort(byName);
    const used = new Set();
    const bands = [];
    for (const [title, kinds] of ROOT_BANDS) {
      kinds.forEach((k) => used.add(k));
      const boxes = top.filter((n) => kinds.includes(n.kind)).map(layoutNode);
      bands.push({ title, boxes });
    }
    const loose = top.filter((n) => !used.has(n.kind));
    otherIds = new Set(loose.map((n) => n.id));
    if (state.otherFolded && loose.length) {
      const inside = [];
      for (const n of loose) inside.push(...findingsInside(n.id));
      OTHER.detail = [loose.length + " components whose VPC is not known", inside.length + " findings on them · click to show"];
      OTHER.findings = inside.map((f) => f.id);
      bands.push({ title: "Other", boxes: [Object.assign(cardBox(OTHER), { w: 320 })] });
    } else {
      bands.push({ title: "Other", boxes: loose.map(layoutNode) });
    }
    const area = bands.reduce((s, b) => s + b.boxes.reduce((t, x) => t + (x.w + GAP) * (x.h + GAP), 0), 0);
    const widest = Math.max(0, ...bands.map((b) => Math.max(0, ...b.boxes.map((x) => x.w))));
    const maxW = Math.max(1400, widest, Math.sqrt(area) * 1.5);
    const stacked = [];
    for (const band of bands) {
      const row = band.title === "VPCs" || band.title === ROOT_BANDS[1][0] ? shelves(band.boxes, maxW) : flowRow(band.boxes, maxW, GAP * 2);
      stacked.push({ title: band.title, row });
    }
    const inner = stackBands(stacked, 0, 0);
    return { id: "", w: inner.w, h: inner.h, kids: inner.kids, bands: stacked, card: false };
  }
  // VPCs in rows, tallest first within a row's order, so rows waste little height.
  function shelves(boxes, maxW) { return flowRow(boxes, maxW, GAP * 3); }

  let positions = new Map(); // id -> {x, y, w, h, card}
  let rootBox = null;
  function place(box, x, y) {
    positions.set(box.id, { x, y, w: box.w, h: box.h, card: box.card, folded: !!box.folded, box });
    for (const k of box.kids) place(k.box, x + k.dx, y + k.dy);
  }
  function layout() {
    positions = new Map();
    rootBox = layoutRoot();
    place(rootBox, 0, 0);
    positions.delete("");
  }
  // The node a hidden one is drawn as: its folded VPC, or the folded band of the others.
  function shownAs(id) {
    if (!positions.has(id) && !nodes.has(id)) return null;
    const ups = ancestors(id);
    for (let i = ups.length - 1; i >= 0; i--) if (state.folded.has(ups[i])) return positions.has(ups[i]) ? ups[i] : null;
    if (positions.has(id)) return id;
    const top = ancestors(id).pop() || id;
    return state.otherFolded && otherIds.has(top) ? OTHER.id : null;
  }

  // --- drawing ---------------------------------------------------------------------------
  const svg = document.getElementById("canvas");
  const viewport = document.getElementById("viewport");
  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG_NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, value, cls, maxW) {
    let shown = value;
    if (maxW && textWidth(shown, cls && cls.includes("head") ? 11.5 : 10.5) > maxW) {
      const keep = Math.max(3, Math.floor(maxW / (cls && cls.includes("head") ? 6.9 : 6.3)) - 1);
      shown = shown.slice(0, keep) + "…";
    }
    const t = el("text", { x, y, class: cls || "" }, parent);
    t.textContent = shown;
    return t;
  }
  function tooltip(parent, node) {
    const lines = [(KIND_WORDS[node.kind] || node.kind) + " " + node.label];
    if (node.address) lines.push(node.address);
    if (node.file) lines.push(node.file + ":" + node.line);
    for (const f of activeFindings(node)) lines.push(f.rule + " [" + f.level + "] " + f.message);
    el("title", {}, parent).textContent = lines.join("\n");
  }
  function badge(parent, x, y, list) {
    if (!list.length) return;
    const g = el("g", { class: "badge " + worst(list) }, parent);
    el("circle", { cx: x, cy: y, r: 9 }, g);
    text(g, x - (list.length > 9 ? 6 : 3), y + 3.5, String(list.length));
  }
  function findingsInside(id) {
    const out = [];
    for (const d of [id].concat(descendants(id, []))) out.push(...activeFindings(nodes.get(d)));
    return out;
  }

  function drawBox(layer, node, p) {
    const tier = node.kind === "subnet" ? " " + (node.attrs.tier || "unknown") : "";
    const own = activeFindings(node);
    const g = el("g", { class: "box " + node.kind + tier + (own.length ? " marked " + worst(own) : ""), "data-id": node.id, "data-kind": node.kind }, layer);
    const foldable = FOLDABLE.includes(node.kind);
    el("rect", { x: p.x, y: p.y, width: p.w, height: p.h, rx: foldable ? 8 : 5 }, g);
    tooltip(g, node);
    let head = node.kind === "az" ? "AZ " + node.label : icon(node) + " " + (node.kind === "stack" ? stackTitle(node, p.w - 70) : (KIND_WORDS[node.kind] || node.kind) + " " + node.label);
    const x0 = foldable ? p.x + 34 : p.x + 8;
    text(g, x0, p.y + 16, head, "head", p.w - (x0 - p.x) - 24);
    node.detail.slice(0, 2).forEach((line, i) => {
      if (node.kind === "vpc") { if (i === 0) text(g, x0, p.y + 32, node.detail.filter(Boolean).join(" · "), "sub", p.w - 60); }
      else text(g, p.x + 8, p.y + 30 + i * LINE, line, "sub", p.w - 16);
    });
    if (node.kind === "stack") text(g, x0, p.y + 32, stackCounts(node), "sub", p.w - 60);
    if (foldable) toggle(g, node, p, "−");
    badge(g, p.x + p.w - 12, p.y + 12, own);
    g.addEventListener("click", (ev) => { if (ev.target.closest(".toggle")) return; ev.stopPropagation(); select(node.id); });
    return g;
  }
  function toggle(g, node, p, sign) {
    const t = el("g", { class: "toggle", "data-toggle": node.id }, g);
    el("rect", { x: p.x + 8, y: p.y + 6, width: 18, height: 18, rx: 3 }, t);
    text(t, p.x + 13, p.y + 20, sign);
    t.addEventListener("click", (ev) => { ev.stopPropagation(); fold(node.id, !state.folded.has(node.id)); });
  }
  function drawCard(layer, node, p) {
    const own = p.folded ? findingsInside(node.id) : activeFindings(node); // a folded VPC: what is in it
    const cls = "card " + node.kind + (own.length ? " marked " + worst(own) : "");
    const g = el("g", { class: cls, "data-id": node.id, "data-kind": node.kind }, layer);
    el("rect", { x: p.x, y: p.y, width: p.w, height: p.h, rx: 5 }, g);
    el("rect", { x: p.x, y: p.y, width: 5, height: p.h, rx: 2, class: "stripe k-" + node.kind }, g);
    tooltip(g, node);
    if (p.folded) {
      const inside = findingsInside(node.id);
      const count = (kind) => descendants(node.id, []).filter((d) => nodes.get(d).kind === kind).length;
      const stack = node.kind === "stack";
      text(g, p.x + 34, p.y + 16, stack ? stackTitle(node, p.w - 70) : "VPC " + node.label, "head", p.w - 60);
      text(g, p.x + 34, p.y + 30, stack ? stackCounts(node) : node.detail.filter(Boolean).join(" · "), "sub", p.w - 44);
      text(g, p.x + 34, p.y + 44, [stack ? plural(count("vpc"), "VPC") : plural(count("subnet"), "subnet"), plural(count("workload"), "workload"), plural(count("vpc_endpoint"), "endpoint")].join(" · "), "sub", p.w - 44);
      text(g, p.x + 34, p.y + 58, inside.length ? inside.length + " finding" + (inside.length > 1 ? "s" : "") + " inside" : "no findings", "sub", p.w - 44);
      flowBar(g, node, p);
      toggle(g, node, p, "+");
      badge(g, p.x + p.w - 12, p.y + 12, inside);
    } else {
      text(g, p.x + 12, p.y + 16, (icon(node) ? icon(node) + " " : "") + node.label, "head", p.w - 36);
      cardLines(node).forEach((line, i) => text(g, p.x + 12, p.y + 30 + i * LINE, line, "sub", p.w - 18));
      badge(g, p.x + p.w - 12, p.y + 12, own);
    }
    g.addEventListener("click", (ev) => { if (ev.target.closest(".toggle")) return; ev.stopPropagation(); select(node.id); });
    return g;
  }

  // The flows leaving a folded VPC, as a bar of their verdicts' colours and a count: its
  // lines are drawn only while it is selected, so a folded estate reads as a map.
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function stackCounts(node) { return plural(descendants(node.id, []).length, "component"); }
  let starts = new Map(); // shown node -> the flows whose workload it shows, for this layout
  function flowsFrom(id) { return starts.get(id) || []; }
  function findStarts() {
    starts = new Map();
    for (const f of DATA.flows) {
      const at = shownAs(f.workload);
      if (!starts.has(at)) starts.set(at, []);
      starts.get(at).push(f);
    }
  }
  function flowBar(g, node, p) {
    const out = flowsFrom(node.id);
    if (!out.length) { text(g, p.x + 34, p.y + 74, "no flows", "sub"); return; }
    const bar = el("g", { class: "flow-bar" }, g);
    let x = p.x + 34;
    const w = 120;
    for (const v of DATA.verdicts) {
      const n = out.filter((f) => f.verdict === v.name).length;
      if (!n) continue;
      const r = el("rect", { x: x.toFixed(1), y: p.y + 66, width: (w * n / out.length).toFixed(1), height: 8, fill: v.colour, "data-verdict": v.name }, bar);
      el("title", {}, r).textContent = n + " " + v.text;
      x += w * n / out.length;
    }
    const broken = out.filter((f) => (verdicts.get(f.verdict) || {}).broken).length;
    text(g, p.x + 34 + w + 6, p.y + 74, out.length + " flows" + (broken ? " · " + broken + " broken" : ""), "sub");
  }

  // Where a line from box a towards point (tx, ty) leaves a.
  function border(p, tx, ty) {
    const cx = p.x + p.w / 2, cy = p.y + p.h / 2;
    const dx = tx - cx, dy = ty - cy;
    if (!dx && !dy) return [cx, cy];
    const s = Math.min(Math.abs((p.w / 2) / (dx || 1e-9)), Math.abs((p.h / 2) / (dy || 1e-9)));
    return [cx + dx * Math.min(s, 1), cy + dy * Math.min(s, 1)];
  }
  function curve(a, b, bend) {
    const pa = positions.get(a), pb = positions.get(b);
    const ca = [pa.x + pa.w / 2, pa.y + pa.h / 2], cb = [pb.x + pb.w / 2, pb.y + pb.h / 2];
    const s = border(pa, cb[0], cb[1]), e = border(pb, ca[0], ca[1]);
    const mx = (s[0] + e[0]) / 2, my = (s[1] + e[1]) / 2;
    const len = Math.hypot(e[0] - s[0], e[1] - s[1]) || 1;
    const nx = -(e[1] - s[1]) / len, ny = (e[0] - s[0]) / len;
    const qx = mx + nx * bend, qy = my + ny * bend;
    return { d: `M${s[0].toFixed(1)},${s[1].toFixed(1)} Q${qx.toFixed(1)},${qy.toFixed(1)} ${e[0].toFixed(1)},${e[1].toFixed(1)}`, end: e, mid: [(s[0] + 2 * qx + e[0]) / 4, (s[1] + 2 * qy + e[1]) / 4] };
  }

  function markers(defs) {
    for (const v of DATA.verdicts) {
      const m = el("marker", { id: "arrow-" + v.name, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
      el("path", { d: "M0,0 L10,5 L0,10 z", fill: v.colour }, m);
    }
    const m = el("marker", { id: "arrow-wire", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 5, markerHeight: 5, orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#9e9e9e" }, m);
  }

  function render() {
    layout();
    findStarts();
    viewport.textContent = "";
    markers(el("defs", {}, viewport));
    const titles = el("g", {}, viewport);
    const boxes = el("g", {}, viewport);
    layers.wires = el("g", {}, viewport);
    const cards = el("g", {}, viewport);
    layers.flows = el("g", {}, viewport);
    for (const band of rootBox.bands) if (band.row.kids.length && band.titleY !== undefined) text(titles, PAD, band.titleY, band.title, "band-title");
    for (const [id, p] of positions) {
      const node = id === OTHER.id ? OTHER : nodes.get(id);
      if (!node) continue;
      if (p.card) drawCard(cards, node, p);
      else {
        drawBox(boxes, node, p);
        const bands = p.box.bands || [];
        for (const band of bands) if (band.title && band.row.kids.length && band.titleY !== undefined) text(boxes, p.x + PAD, p.y + band.titleY - 2, band.title, "sub");
      }
    }
    overlays();
    applyView();
  }
  // What changes when a node is selected or a filter changes: redrawn without a new layout.
  const layers = {};
  function overlays() {
    layers.wires.textContent = "";
    layers.flows.textContent = "";
    drawWires(layers.wires);
    drawFlows(layers.flows);
    markState();
  }
  function drawWires(layer) {
    const near = state.selected;
    for (const edge of DATA.edges) {
      if (edge.kind === "endpoint_subnet" && edge.source !== near && edge.target !== near) continue;
      const touching = near && (edge.source === near || edge.target === near);
      if (!state.wiring && !touching) continue;
      const a = shownAs(edge.source), b = shownAs(edge.target);
      if (!a || !b || a === b) continue;
      const c = curve(a, b, 0);
      el("path", { d: c.d, class: "wire" + (touching ? " near" : ""), "marker-end": "url(#arrow-wire)", "data-edge": edge.id }, layer);
      if (touching && edge.label) text(layer, c.mid[0] + 3, c.mid[1] - 3, edge.label, "wire-label");
    }
  }
  // Flows drawn along the same shown places with the same verdict are one line, thicker for
  // each flow it stands for (the workloads of a folded VPC to one service): a map, not a hairball.
  function flowLines() {
    const lines = new Map();
    for (const flow of DATA.flows) {
      const hops = [];
      const brokenAt = flow.ends !== "reached" ? flow.path[flow.path.length - 2] : null;
      for (const id of flow.path) {
        const node = nodes.get(id);
        // a route table is the why of a hop, not a place traffic passes, unless a path breaks there
        if (node && node.kind === "route_table" && id !== brokenAt) continue;
        const shown = shownAs(id);
        if (shown && hops[hops.length - 1] !== shown) hops.push(shown);
      }
      if (hops.length < 2) continue;
      if (state.folded.has(hops[0]) && hops[0] !== state.selected) continue; // on its card
      const key = hops.join(">") + "|" + flow.verdict + "|" + flow.ends;
      if (!lines.has(key)) lines.set(key, { hops, flows: [] });
      lines.get(key).flows.push(flow);
    }
    return [...lines.values()];
  }
  function drawFlows(layer) {
    const lanes = new Map(); // segment -> count so far, to fan parallel lines out
    for (const { hops, flows } of flowLines()) {
      const flow = flows[0];
      const verdict = verdicts.get(flow.verdict) || { colour: "#616161", dash: "4 4", broken: false, text: flow.verdict_text };
      const g = el("g", { class: "flow-group", "data-flow": flow.id, "data-flows": flows.map((f) => f.id).join(" "), "data-hops": JSON.stringify(hops), "data-verdict": flow.verdict }, layer);
      if (state.hiddenVerdicts.has(flow.verdict)) g.setAttribute("display", "none");
      el("title", {}, g).textContent = flows.length === 1
        ? flow.service + ": " + flow.verdict_text + "\n" + flow.path_text.join("\n") + (flow.reason ? "\n(" + flow.reason + ")" : "")
        : flows.length + " flows, " + flow.verdict_text + ":\n" + flows.slice(0, 20).map((f) => (nodes.get(f.workload) || { label: f.workload }).label + " → " + f.service).join("\n") + (flows.length > 20 ? "\n…" : "");
      const width = (verdict.broken ? 3 : 2) + Math.min(5, Math.log2(flows.length));
      for (let i = 0; i + 1 < hops.length; i++) {
        const key = hops[i] < hops[i + 1] ? hops[i] + "|" + hops[i + 1] : hops[i + 1] + "|" + hops[i];
        const lane = lanes.get(key) || 0;
        lanes.set(key, lane + 1);
        const bend = (lane % 2 ? -1 : 1) * Math.ceil(lane / 2) * 9 + 14;
        const c = curve(hops[i], hops[i + 1], bend);
        const last = i + 2 === hops.length;
        const dash = verdict.dash || (last && flow.ends !== "reached" ? "6 4" : "");
        const attrs = { d: c.d, class: "flow" + (verdict.broken ? " broken" : ""), stroke: verdict.colour, "stroke-width": width.toFixed(1) };
        if (dash) attrs["stroke-dasharray"] = dash;
        if (last && flow.ends !== "no_path") attrs["marker-end"] = "url(#arrow-" + flow.verdict + ")";
        el("path", attrs, g);
        if (i === 0 && flows.length > 1) {
          const t = text(g, c.mid[0] + 4, c.mid[1] - 4, "×" + flows.length, "flow-count");
          t.setAttribute("style", "fill:" + verdict.colour);
        }
        if (last && flow.ends === "no_path") {
          const t = text(g, c.end[0] - 5, c.end[1] + 5, "✕", "flow-end");
          t.setAttribute("style", "fill:" + verdict.colour);
        }
      }
    }
  }
  function markState() {
    for (const e of viewport.querySelectorAll("[data-id]")) {
      const id = e.getAttribute("data-id");
      e.classList.toggle("selected", id === state.selected);
      e.classList.toggle("highlight", state.highlighted.has(id));
      e.classList.toggle("match", state.matches.has(id));
    }
    const lit = state.litFlows;
    for (const g of viewport.querySelectorAll(".flow-group")) {
      const on = g.getAttribute("data-flows").split(" ").some((id) => lit.has(id));
      for (const p of g.querySelectorAll("path")) {
        p.classList.toggle("lit", on);
        p.classList.toggle("dim", lit.size > 0 && !on);
      }
    }
  }

  // --- view: pan and zoom ----------------------------------------------------------------
  function applyView() {
    const v = state.view;
    viewport.setAttribute("transform", `translate(${v.x.toFixed(1)},${v.y.toFixed(1)}) scale(${v.k.toFixed(4)})`);
  }
  function fit() {
    const r = svg.getBoundingClientRect();
    if (!rootBox || !r.width) return;
    const k = Math.min(1.2, (r.width - 40) / Math.max(1, rootBox.w), (r.height - 40) / Math.max(1, rootBox.h));
    state.view = { k, x: (r.width - rootBox.w * k) / 2, y: 20 };
    applyView();
  }
  function zoomAt(factor, cx, cy) {
    const v = state.view;
    const k = Math.max(0.05, Math.min(4, v.k * factor));
    v.x = cx - (cx - v.x) * (k / v.k);
    v.y = cy - (cy - v.y) * (k / v.k);
    v.k = k;
    applyView();
  }
  function centerOn(id) {
    const p = positions.get(shownAs(id) || id);
    if (!p) return;
    const r = svg.getBoundingClientRect();
    const k = Math.max(state.view.k, 0.9);
    state.view = { k, x: r.width / 2 - (p.x + p.w / 2) * k, y: r.height / 2 - (p.y + p.h / 2) * k };
    applyView();
  }
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect();
    zoomAt(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (ev) => {
    if (ev.target.closest(".card, .toggle")) return;
    drag = { x: ev.clientX, y: ev.clientY, vx: state.view.x, vy: state.view.y, moved: false };
    svg.classList.add("dragging");
  });
  window.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    state.view.x = drag.vx + dx; state.view.y = drag.vy + dy;
    applyView();
  });
  window.addEventListener("pointerup", () => {
    if (drag && !drag.moved) select(null);
    drag = null;
    svg.classList.remove("dragging");
  });

  // --- interaction -----------------------------------------------------------------------
  function fold(id, folded) {
    if (folded) state.folded.add(id); else state.folded.delete(id);
    const inside = descendants(id, []);
    if (!folded && nodes.get(id).kind === "stack" && inside.length <= FOLD_ABOVE) {
      for (const d of inside) state.folded.delete(d); // a small stack opens whole
    }
    render();
  }
  function unfoldAround(id) {
    let changed = false;
    if (state.otherFolded && otherIds.has(ancestors(id).pop() || id)) { state.otherFolded = false; changed = true; }
    for (const up of ancestors(id)) if (state.folded.delete(up)) changed = true;
    return changed;
  }
  function select(id, keepHighlight) {
    if (id === OTHER.id) { state.otherFolded = false; render(); return; }
    state.selected = id;
    if (!keepHighlight) { state.highlighted = new Set(); state.litFlows = new Set(); markFindingItem(null); }
    if (id) state.litFlows = new Set([...state.litFlows, ...(flowsByNode.get(id) || []).map((f) => f.id)]);
    overlays();
    showDetails(id);
  }
  function focusNode(id, highlight, flows) {
    if (unfoldAround(id)) render();
    state.highlighted = new Set(highlight || [id]);
    state.litFlows = new Set(flows || []);
    select(id, true);
    centerOn(id);
  }
  function focusFinding(f, item) {
    if (!f.node) return;
    focusNode(f.node, [f.node].concat(f.related), f.flows);
    markFindingItem(item);
  }
  function markFindingItem(item) {
    for (const li of document.querySelectorAll("#findings li.active")) li.classList.remove("active");
    if (item) item.classList.add("active");
  }

  const details = document.getElementById("details");
  function showDetails(id) {
    const node = id && nodes.get(id);
    if (!node) { details.hidden = true; return; }
    details.hidden = false;
    details.textContent = "";
    const add = (tag, content, cls) => { const e = document.createElement(tag); if (cls) e.className = cls; e.textContent = content; details.appendChild(e); return e; };
    const close = add("button", "×", "close");
    close.addEventListener("click", () => select(null));
    add("div", KIND_WORDS[node.kind] || node.kind, "kind");
    add("h3", node.label);
    if (node.address) add("div", node.address, "where");
    if (node.file) add("div", node.file + ":" + node.line, "where");
    const lines = cardLines(node).filter(Boolean);
    if (lines.length) { const ul = add("ul", ""); for (const l of lines) { const li = document.createElement("li"); li.textContent = l; ul.appendChild(li); } }
    const attrs = Object.keys(node.attrs).filter((k) => k !== "routes").sort();
    if (attrs.length) {
      const ul = add("ul", "");
      for (const k of attrs) { const li = document.createElement("li"); const v = node.attrs[k]; li.textContent = k + ": " + (Array.isArray(v) ? v.join(", ") : String(v)); ul.appendChild(li); }
    }
    for (const f of activeFindings(node)) {
      const div = add("div", "", "finding");
      const chip = document.createElement("span"); chip.className = "level " + f.level; chip.textContent = f.rule; div.appendChild(chip);
      div.appendChild(document.createTextNode(" " + f.message + " "));
      const w = document.createElement("div"); w.className = "where"; w.textContent = f.file + ":" + f.line + ":" + f.column; div.appendChild(w);
    }
    const through = flowsByNode.get(id) || [];
    if (through.length) {
      add("div", through.length + " flow" + (through.length > 1 ? "s" : "") + " through it:", "kind");
      const ul = add("ul", "");
      for (const flow of through.slice(0, 30)) { const li = document.createElement("li"); li.textContent = flow.service + ": " + flow.verdict_text; ul.appendChild(li); }
    }
  }

  // --- side panel ------------------------------------------------------------------------
  function sidePanel() {
    const vpcs = DATA.nodes.filter((n) => n.kind === "vpc").length;
    document.getElementById("summary").textContent = (stacks.length ? `${stacks.length} stacks · ` : "") + `${vpcs} VPCs · ${DATA.nodes.length} components · ${DATA.flows.length} flows · ${DATA.findings.length} findings`;
    const vf = document.getElementById("verdict-filter");
    for (const v of DATA.verdicts) {
      const count = DATA.flows.filter((f) => f.verdict === v.name).length;
      const li = document.createElement("li");
      li.innerHTML = "<label><input type=checkbox checked><span class=swatch></span><span class=name></span><span class=count></span></label>";
      const box = li.querySelector("input");
      box.dataset.verdict = v.name;
      li.querySelector(".swatch").style.borderTopColor = v.colour;
      if (v.dash) li.querySelector(".swatch").classList.add("dash");
      li.querySelector(".name").textContent = v.text;
      li.querySelector(".count").textContent = count;
      box.addEventListener("change", () => { if (box.checked) state.hiddenVerdicts.delete(v.name); else state.hiddenVerdicts.add(v.name); overlays(); });
      vf.appendChild(li);
    }
    const rf = document.getElementById("rule-filter");
    for (const rule of Object.keys(DATA.rules)) {
      const meta = DATA.rules[rule];
      const count = DATA.findings.filter((f) => f.rule === rule).length;
      const li = document.createElement("li");
      li.innerHTML = "<label><input type=checkbox checked><span class=level></span><span class=name></span><span class=count></span></label>";
      const box = li.querySelector("input");
      box.dataset.rule = rule;
      li.querySelector(".level").classList.add(meta.level);
      li.querySelector(".level").textContent = rule;
      li.querySelector(".name").textContent = meta.slug;
      li.title = meta.summary;
      li.querySelector(".count").textContent = count;
      box.addEventListener("change", () => { if (box.checked) state.hiddenRules.delete(rule); else state.hiddenRules.add(rule); findingList(); render(); });
      rf.appendChild(li);
    }
    if (!Object.keys(DATA.rules).length) rf.innerHTML = "<li>No findings.</li>";
    findingList();
    legend();
  }
  function findingList() {
    const list = document.getElementById("findings");
    list.textContent = "";
    const shown = DATA.findings.filter((f) => !state.hiddenRules.has(f.rule))
      .sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || (a.file + ":" + String(a.line).padStart(7)).localeCompare(b.file + ":" + String(b.line).padStart(7)));
    document.getElementById("finding-count").textContent = "(" + shown.length + ")";
    for (const f of shown) {
      const li = document.createElement("li");
      li.dataset.finding = f.id;
      if (!f.node) li.classList.add("unplaced");
      li.innerHTML = "<span class=level></span> <span class=msg></span><div class=where></div>";
      li.querySelector(".level").classList.add(f.level);
      li.querySelector(".level").textContent = f.rule;
      li.querySelector(".msg").textContent = f.message;
      li.querySelector(".where").textContent = f.file + ":" + f.line + (f.node ? "" : " (no component on the picture)");
      li.title = f.message;
      li.addEventListener("click", () => focusFinding(f, li));
      list.appendChild(li);
    }
  }
  function legend() {
    const box = document.getElementById("legend");
    const items = [["vpc", "VPC"], ["subnet public", "public subnet"], ["subnet private", "private subnet"], ["subnet isolated", "isolated subnet"]];
    const fills = { "subnet public": "#e6f4ea", "subnet private": "#e8f0fb", "subnet isolated": "#f1f1f1", vpc: "#f4f8fd" };
    for (const [k, label] of items) { const s = document.createElement("span"); s.innerHTML = "<i></i>"; s.querySelector("i").style.background = fills[k]; s.appendChild(document.createTextNode(label)); box.appendChild(s); }
    const kinds = ["workload", "nat_gateway", "route_table", "vpc_endpoint", "transit_gateway", "load_balancer", "service_network", "aws_service"].concat(stacks.length ? ["stack"] : []);
    for (const k of kinds) {
      const s = document.createElement("span");
      s.innerHTML = "<svg width=14 height=12><rect width=5 height=12 class='k-" + k + "'></rect></svg>";
      s.appendChild(document.createTextNode((ICONS[k] || "") + " " + KIND_WORDS[k]));
      box.appendChild(s);
    }
    for (const level of LEVELS) { const s = document.createElement("span"); s.innerHTML = "<span class='level " + level + "'>" + level + "</span>"; s.appendChild(document.createTextNode(" finding")); box.appendChild(s); }
    const wiring = document.getElementById("show-wiring");
    wiring.checked = state.wiring;
    wiring.addEventListener("change", () => { state.wiring = wiring.checked; overlays(); });
  }

  // --- search ----------------------------------------------------------------------------
  const search = document.getElementById("search");
  const results = document.getElementById("search-results");
  search.addEventListener("input", () => {
    const q = search.value.trim().toLowerCase();
    results.textContent = "";
    state.matches = new Set();
    if (!q) { results.hidden = true; markState(); return; }
    const found = DATA.nodes.filter((n) => [n.label, n.address || "", n.id, (n.detail || []).join(" ")].some((s) => s.toLowerCase().includes(q)));
    found.forEach((n) => state.matches.add(n.id));
    for (const n of found.slice(0, 40)) {
      const li = document.createElement("li");
      li.dataset.id = n.id;
      li.textContent = (KIND_WORDS[n.kind] || n.kind) + " " + n.label;
      const small = document.createElement("small"); small.textContent = n.file ? n.file + ":" + n.line : ""; li.appendChild(small);
      li.addEventListener("click", () => { results.hidden = true; focusNode(n.id); });
      results.appendChild(li);
    }
    if (found.length > 40) { const li = document.createElement("li"); li.textContent = "… " + (found.length - 40) + " more"; results.appendChild(li); }
    if (!found.length) { const li = document.createElement("li"); li.textContent = "No match."; results.appendChild(li); }
    results.hidden = false;
    markState();
  });
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { const first = results.querySelector("li[data-id]"); if (first) first.click(); }
    if (ev.key === "Escape") { search.value = ""; search.dispatchEvent(new Event("input")); }
  });

  document.getElementById("fit").addEventListener("click", fit);
  document.getElementById("zoom-in").addEventListener("click", () => { const r = svg.getBoundingClientRect(); zoomAt(1.25, r.width / 2, r.height / 2); });
  document.getElementById("zoom-out").addEventListener("click", () => { const r = svg.getBoundingClientRect(); zoomAt(0.8, r.width / 2, r.height / 2); });
  document.getElementById("expand-all").addEventListener("click", () => { state.folded.clear(); state.otherFolded = false; render(); fit(); });
  document.getElementById("collapse-all").addEventListener("click", () => { foldAll(); render(); fit(); });
  window.addEventListener("resize", fit);

  sidePanel();
  render();
  fit();
})();

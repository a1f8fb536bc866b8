// apisim dashboard: everything goes through the admin API under /__apisim/ (same origin, loopback).
"use strict";

const API = "/__apisim";
const TOKEN = new URLSearchParams(location.search).get("token");  // when apisim runs with --admin-token
const MAX_ROWS = 2000;  // the browser keeps the newest entries only
const state = { entries: [], lastSeq: 0, contracts: {}, tab: "journal", open: new Set() };

// -- small helpers ------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (TOKEN) headers["Authorization"] = "Bearer " + TOKEN;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.apisim_error || `${method} ${path}: HTTP ${response.status}`);
  return data;
}

function say(message, isError) {
  const status = document.getElementById("status");
  status.textContent = message;
  status.style.color = isError ? "var(--miss)" : "";
}

function pretty(text) {
  if (!text) return "(empty)";
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}

function outcomeOf(entry) {
  if (entry.code !== null && entry.code !== undefined) return String(entry.code);
  if (entry.outcome === "success") return "success";
  return entry.status ? `HTTP ${entry.status}` : "no answer";
}

// -- tabs ---------------------------------------------------------------------------------------

function show(tab) {
  state.tab = tab;
  for (const button of document.querySelectorAll("button.tab")) button.classList.toggle("active", button.dataset.tab === tab);
  for (const panel of document.querySelectorAll("section.panel")) panel.hidden = panel.id !== tab;
  if (tab === "coverage") refreshCoverage();
  if (tab === "faults") refreshFaults();
}

// -- the journal --------------------------------------------------------------------------------

function filters() {
  const value = (id) => document.getElementById(id).value.trim();
  return { service: value("f-service"), operation: value("f-operation"), outcome: value("f-outcome"),
           status: value("f-status"), text: value("f-text").toLowerCase() };
}

function keep(entry, f) {
  if (f.service && entry.service !== f.service) return false;
  if (f.operation && !String(entry.operation || "").includes(f.operation)) return false;
  if (f.outcome && outcomeOf(entry) !== f.outcome) return false;
  if (f.status) {
    const wanted = f.status.toLowerCase();
    const status = String(entry.status);
    if (wanted.endsWith("xx") ? status[0] !== wanted[0] : status !== wanted) return false;
  }
  if (f.text) {
    const haystack = [entry.path, entry.query, entry.request_body, entry.response_body].join("\n").toLowerCase();
    if (!haystack.includes(f.text)) return false;
  }
  return true;
}

function renderJournal() {
  const f = filters();
  const rows = document.getElementById("journal-rows");
  const shown = state.entries.filter((e) => keep(e, f)).reverse();  // newest first
  rows.replaceChildren(...shown.flatMap(journalRows));
  document.getElementById("journal-count").textContent = String(state.entries.length);
  document.getElementById("journal-empty").hidden = shown.length > 0;
}

function journalRows(entry) {
  const outcome = outcomeOf(entry);
  const how = [entry.forced ? "forced" : entry.failure, entry.faults ? "fault" : null].filter(Boolean).join(", ");
  const target = entry.path + (entry.query ? "?" + entry.query : "");
  const row = el("tr", { class: `row ${entry.outcome}`, "data-seq": String(entry.seq) },
    el("td", {}, entry.seq), el("td", {}, entry.service || "–"), el("td", {}, entry.operation || "–"),
    el("td", {}, el("code", {}, `${entry.method} ${target}`)), el("td", {}, entry.status),
    el("td", { class: "outcome" }, outcome), el("td", {}, how), el("td", {}, entry.elapsed_ms));
  row.addEventListener("click", () => {
    state.open.has(entry.seq) ? state.open.delete(entry.seq) : state.open.add(entry.seq);
    renderJournal();
  });
  if (!state.open.has(entry.seq)) return [row];
  const facts = ["deployment", "host", "time", "failure", "detail", "test"]
    .filter((k) => entry[k]).map((k) => `${k}: ${entry[k]}`).join(" · ");
  const detail = el("tr", { class: "detail" }, el("td", { colSpan: 8 },
    el("p", { class: "muted" }, facts, entry.faults ? ` · faults: ${JSON.stringify(entry.faults)}` : ""),
    el("div", { class: "cols" },
      el("div", {}, el("strong", {}, "request"), el("pre", {}, pretty(entry.request_body))),
      el("div", {}, el("strong", {}, "response"), el("pre", {}, pretty(entry.response_body))))));
  return [row, detail];
}

async function pollJournal() {
  try {
    const data = await api("GET", `/requests?after_seq=${state.lastSeq}`);
    if (data.requests.length) {
      state.entries.push(...data.requests);
      state.entries = state.entries.slice(-MAX_ROWS);
      state.lastSeq = Math.max(state.lastSeq, ...data.requests.map((e) => e.seq));
      if (document.getElementById("f-follow").checked) renderJournal();
      if (state.tab === "coverage") refreshCoverage();
    } else if (state.lastSeq) {
      // Someone reset the simulator: sequence numbers start again, so start again too.
      const last = await api("GET", "/requests?limit=1");
      if (!last.requests.length || last.requests[0].seq < state.lastSeq) forgetJournal();
    }
  } catch (error) {
    say(error.message, true);
  } finally {
    setTimeout(pollJournal, 1000);
  }
}

function forgetJournal() {
  state.entries = [];
  state.lastSeq = 0;
  state.open.clear();
  renderJournal();
}

// -- coverage -----------------------------------------------------------------------------------

async function refreshCoverage() {
  try {
    const data = await api("GET", "/dashboard/coverage");
    document.getElementById("coverage-pct").textContent = data.display;
    document.getElementById("coverage-summary").textContent =
      `${data.requests} request(s) in the journal · total coverage ${data.display} of the documented outcomes ` +
      "(success and every error code of each operation). Click a count to see its requests.";
    const host = document.getElementById("coverage-services");
    host.replaceChildren(...data.services.map((svc) => {
      const card = el("div", { class: "service-coverage" },
        el("h2", {}, svc.service, " ", el("span", { class: "muted" }, svc.title)),
        el("p", {}, `${svc.operations_called}/${svc.operations} operations called · ${svc.errors_covered}/${svc.errors} ` +
          `error codes answered · ${svc.outcomes_covered}/${svc.outcomes} outcomes · ${svc.display} · ${svc.calls} request(s)`));
      const fragment = el("div", {});
      fragment.innerHTML = svc.chart_svg + svc.matrix_html + "<h3>Not exercised</h3>" + svc.missing_html;  // built server-side, escaped there
      card.append(fragment);
      return card;
    }));
  } catch (error) {
    say(error.message, true);
  }
}

function onMatrixClick(event) {
  const link = event.target.closest("a[data-outcome]");
  if (!link) return;
  event.preventDefault();
  document.getElementById("f-service").value = link.closest("table").dataset.service;
  document.getElementById("f-operation").value = link.dataset.operation;
  document.getElementById("f-outcome").value = link.dataset.outcome;
  document.getElementById("f-status").value = "";
  document.getElementById("f-text").value = "";
  renderJournal();
  show("journal");
}

// -- contracts ----------------------------------------------------------------------------------

async function loadContracts() {
  state.contracts = await api("GET", "/contracts");
  const names = Object.keys(state.contracts);
  const options = () => names.map((n) => el("option", { value: n }, n));
  document.getElementById("f-service").append(...options());
  document.getElementById("c-service").replaceChildren(...options());
  document.getElementById("fault-service").replaceChildren(...options());
  fillFaultOperations();
  if (names.length) showContract(names[0]);
}

async function showContract(service) {
  const view = document.getElementById("contract-view");
  const raw = await api("GET", `/dashboard/contract/${encodeURIComponent(service)}`);
  const summary = state.contracts[service] || { deployments: [] };
  const deployments = el("table", { class: "catalogue" },
    el("tr", {}, el("th", {}, "deployment"), el("th", {}, "original base URL"), el("th", {}, "local URL")),
    summary.deployments.map((d) => el("tr", {}, el("td", {}, d.name), el("td", {}, el("code", {}, d.original)),
                                           el("td", {}, el("code", {}, d.local)))));
  const operations = Object.entries(raw.operations).map(([id, op]) => el("details", { class: "op" },
    el("summary", {}, el("code", {}, `${op.method} ${op.path}`), " ", el("strong", {}, id), " ",
       el("span", { class: "muted" }, op.summary)),
    op.match ? el("p", {}, "matched on ", el("code", {}, JSON.stringify(op.match))) : null,
    el("p", {}, "errors: ", (op.errors || []).join(", ") || "none"),
    el("h4", {}, "request"), el("pre", {}, JSON.stringify(op.request || {}, null, 2)),
    el("h4", {}, "response"), el("pre", {}, JSON.stringify(op.response || {}, null, 2)),
    (op.examples || []).length ? [el("h4", {}, "examples"), el("pre", {}, JSON.stringify(op.examples, null, 2))] : null));
  const catalogue = el("table", { class: "catalogue" },
    el("tr", {}, el("th", {}, "code"), el("th", {}, "HTTP"), el("th", {}, "message"), el("th", {}, "when")),
    Object.entries(raw.errors).map(([code, e]) => el("tr", {}, el("td", {}, el("code", {}, code)),
      el("td", {}, e.http_status), el("td", {}, e.message), el("td", {}, e.when))));
  const parts = [el("h2", {}, raw.service, " ", el("span", { class: "muted" }, raw.title)),
    el("p", { class: "muted" }, `source document ${raw.source}`), deployments,
    el("h3", {}, `Operations (${Object.keys(raw.operations).length})`), operations,
    el("h3", {}, `Error catalogue (${Object.keys(raw.errors).length})`), catalogue,
    raw.$defs ? [el("h3", {}, "Schemas ($defs)"), el("pre", {}, JSON.stringify(raw.$defs, null, 2))] : null];
  view.replaceChildren(...parts.flat().filter(Boolean));  // replaceChildren does not flatten arrays itself
}

// -- faults -------------------------------------------------------------------------------------

function fillFaultOperations() {
  const service = document.getElementById("fault-service").value;
  const ops = Object.keys((state.contracts[service] || {}).operations || {});
  document.getElementById("fault-operation").replaceChildren(
    el("option", { value: "*" }, "every operation"), ...ops.map((op) => el("option", { value: op }, op)));
  fillFaultCodes();
}

function fillFaultCodes() {
  const contract = state.contracts[document.getElementById("fault-service").value] || {};
  const op = document.getElementById("fault-operation").value;
  const codes = op === "*" ? Object.keys(contract.errors || {}) : ((contract.operations || {})[op] || {}).errors || [];
  document.getElementById("fault-code").replaceChildren(...codes.map((c) => el("option", { value: c }, c)));
}

function faultSpec() {
  const value = (id) => document.getElementById(id).value.trim();
  const action = value("fault-action");
  const what = {
    code: `code=${value("fault-code")}`, status: `status=${value("fault-value") || 503}`,
    delay: `delay=${value("fault-value") || 200}ms`, truncate: "truncate=50%",
  }[action] || action;
  const times = value("fault-times") ? `,times=${value("fault-times")}` : "";
  return `${value("fault-service")}:${value("fault-operation")}:${what}${times}`;
}

async function addFault(spec) {
  try {
    const fault = await api("POST", "/faults", { spec });
    say(`added fault ${fault.id}: ${spec}`);
    await refreshFaults();
  } catch (error) {
    say(error.message, true);
  }
}

function describe(fault) {
  const { type, ...rest } = fault.action;
  const options = Object.entries(rest).filter(([, v]) => v !== false && v !== null && v !== "").map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const budget = Object.entries(fault.budget || {}).filter(([, v]) => v !== null && v !== 0).map(([k, v]) => `${k}=${v}`);
  return `${fault.match.service}:${fault.match.operation} ${type} ${options.join(" ")} ${budget.join(" ")}`.trim();
}

async function refreshFaults() {
  try {
    const data = await api("GET", "/faults");
    document.getElementById("fault-count").textContent = String(data.faults.length);
    document.getElementById("fault-list").replaceChildren(...data.faults.map((fault) => {
      const remove = el("button", { type: "button", class: "remove", "data-id": fault.id }, "Remove");
      remove.addEventListener("click", async () => {
        try { await api("DELETE", `/faults/${encodeURIComponent(fault.id)}`); say(`removed fault ${fault.id}`); }
        catch (error) { say(error.message, true); }
        refreshFaults();
      });
      const fired = fault.calls ? `fired ${fault.calls.fired} of ${fault.calls.seen} call(s)` : "";
      return el("li", { "data-id": fault.id }, el("code", {}, `${fault.id}: ${describe(fault)}`),
                el("span", { class: "muted" }, fault.spent ? `${fired}, spent` : fired), remove);
    }));
  } catch (error) {
    say(error.message, true);
  }
}

// -- start --------------------------------------------------------------------------------------

function start() {
  for (const button of document.querySelectorAll("button.tab")) button.addEventListener("click", () => show(button.dataset.tab));
  for (const id of ["f-service", "f-operation", "f-outcome", "f-status", "f-text"]) {
    document.getElementById(id).addEventListener("input", renderJournal);
  }
  document.getElementById("f-clear").addEventListener("click", () => {
    for (const id of ["f-service", "f-operation", "f-outcome", "f-status", "f-text"]) document.getElementById(id).value = "";
    renderJournal();
  });
  document.getElementById("coverage-services").addEventListener("click", onMatrixClick);
  document.getElementById("c-service").addEventListener("change", (e) => showContract(e.target.value));
  document.getElementById("fault-service").addEventListener("change", fillFaultOperations);
  document.getElementById("fault-operation").addEventListener("change", fillFaultCodes);
  document.getElementById("fault-add").addEventListener("click", () => addFault(faultSpec()));
  document.getElementById("fault-add-spec").addEventListener("click", () => addFault(document.getElementById("fault-spec").value.trim()));
  document.getElementById("fault-clear").addEventListener("click", async () => {
    try { const r = await api("DELETE", "/faults"); say(`removed ${r.removed} fault(s)`); } catch (error) { say(error.message, true); }
    refreshFaults();
  });
  document.getElementById("reset").addEventListener("click", async () => {
    try { await api("POST", "/reset", {}); say("simulator reset: state, faults and journal"); } catch (error) { say(error.message, true); }
    forgetJournal();
    refreshFaults();
    if (state.tab === "coverage") refreshCoverage();
  });
  show("journal");
  loadContracts().catch((error) => say(error.message, true));
  refreshFaults();
  refreshCoverage();  // the tab's badge shows the total from the start
  pollJournal();
}

start();

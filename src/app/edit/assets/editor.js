// certreport 审查记录编辑器: the form is built from the record's JSON Schema (served by the
// binary), laid out in the report's order; every change is sent to the server, which answers
// with the YAML a save would write, the check document (diagnostics with YAML paths) and the
// preview's pages. No network beyond this server: every asset is embedded in the binary.
"use strict";

const api = (name) => "api/" + name;
const $ = (id) => document.getElementById(id);

let schema = null;      // the record's JSON Schema
let scheme = null;      // the built-in scoring scheme (indicators, maxima, levels)
let current = null;     // { path, version, comments, record }
let controls = new Map(); // YAML path → the element a problem is shown at
let updateTimer = null;
// When the staffer last changed something: the preview's latency is measured from there.
let lastChange = 0;
let updateSerial = 0;
let lastShown = 0;
let formBuilt = false;
let pageUrls = new Map(); // page id → the object URL of its SVG

// ---------- the schema ----------

// A property's schema with its `$ref` followed and an optional (`anyOf` with null, or a type
// list with "null") taken as its value's schema; the property's own title and description
// win over its type's.
function resolve(node) {
  if (!node) return {};
  const own = pick(node, ["title", "description"]);
  if (node.$ref) return Object.assign({}, resolve(schema.$defs[node.$ref.replace("#/$defs/", "")]), own);
  if (node.anyOf) {
    const real = node.anyOf.filter((b) => b.type !== "null");
    if (real.length === 1) return Object.assign({}, resolve(real[0]), own);
  }
  if (Array.isArray(node.type)) {
    const real = node.type.filter((t) => t !== "null");
    if (real.length === 1) return Object.assign({}, node, { type: real[0] });
  }
  return node;
}
function pick(node, keys) { const o = {}; for (const k of keys) if (node[k] !== undefined) o[k] = node[k]; return o; }
function refName(node) {
  if (!node) return null;
  if (node.$ref) return node.$ref.replace("#/$defs/", "");
  if (node.anyOf) { const real = node.anyOf.filter((b) => b.type !== "null"); if (real.length === 1) return refName(real[0]); }
  return null;
}
function optional(node) {
  return !!(node && ((node.anyOf && node.anyOf.some((b) => b.type === "null")) || (Array.isArray(node.type) && node.type.includes("null"))));
}
// The choices of a closed set: [{value, label}] from `oneOf` consts (or enum [key, 中文]).
function choices(node) {
  const n = resolve(node);
  if (!n.oneOf) return null;
  const out = [];
  for (const b of n.oneOf) {
    if (b.const !== undefined) out.push({ value: b.const, label: b.title || b.const });
    else if (Array.isArray(b.enum)) out.push({ value: b.enum[0], label: b.title || b.enum[0] });
    else return null;
  }
  return out;
}
// "1.6 联系电话…" → "1.6"; "封面及 1.2 项目编号" → "1.2"; "3 评价结果" → "3".
function sectionOf(description) {
  const m = /^(?:封面及\s*)?(\d+(?:\.\d+)?)(?:[–-]\d+(?:\.\d+)?)?\s/.exec(description || "");
  return m ? m[1] : null;
}
function labelFor(node, title) {
  const number = sectionOf(node.description);
  const t = node.title || title;
  return number && !t.startsWith(number) ? number + " " + t : t;
}

// The report's sections, in order, and the top-level fields under each.
const SECTIONS = [
  ["封面", ["profile", "scheme", "previous", "project_number", "audit_type", "surveillance_number"]],
  ["1 基本信息", ["client", "scope", "audit", "changes", "incidents", "risks", "remote_audit"]],
  ["2 审查结果", ["scores"]],
  ["3 受评价方服务体系概述及本次评价概述", ["findings", "overview", "internal_evaluation"]],
  ["4 改进建议", ["suggestions"]],
  ["5 证书及标志使用", ["certificate_use"]],
  ["6 评价结论", ["conclusion"]],
];

// ---------- the state ----------

function pathText(path) {
  let s = "";
  for (const p of path) s += typeof p === "number" ? "[" + p + "]" : (s ? "." : "") + p;
  return s;
}
function getAt(path) {
  let v = current.record;
  for (const p of path) { if (v == null) return undefined; v = v[p]; }
  return v;
}
function setAt(path, value) {
  let v = current.record;
  for (let i = 0; i < path.length - 1; i++) {
    const p = path[i];
    if (v[p] == null || typeof v[p] !== "object") v[p] = typeof path[i + 1] === "number" ? [] : {};
    v = v[p];
  }
  const last = path[path.length - 1];
  if (value === undefined) delete v[last]; else v[last] = value;
}
function changed() {
  lastChange = performance.now();
  clearTimeout(updateTimer);
  updateTimer = setTimeout(() => { updateTimer = null; update(); }, 120);
  // Until the server has answered the last change, the problems may still move the fields.
  document.body.dataset.pending = "true";
  $("status").textContent = "未保存的修改";
}

// ---------- controls ----------

let ids = 0;
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") e.textContent = v; else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}
function fieldBox(path, label, node, control) {
  const id = control.id || (control.id = "f" + ids++);
  const box = el("div", { class: "field", "data-path": pathText(path) });
  box.append(el("label", { for: id, text: label }), control);
  if (node.description) {
    const help = el("p", { class: "help", id: id + "-help", text: node.description });
    control.setAttribute("aria-describedby", help.id);
    box.append(help);
  }
  controls.set(pathText(path), control);
  return box;
}

function build(path, node, title) {
  const name = refName(node);
  const n = resolve(node);
  const label = labelFor(n, title);
  const key = path[path.length - 1];
  if (pathText(path) === "scores") return scoreTable(path, n);
  if (key === "indicator") return selectField(path, n, label, scheme.groups.flatMap((g) => g.indicators.map((i) => ({ value: i.key, label: i.name + "（" + i.max + " 分）" }))), true);
  if (pathText(path) === "scope.level") return selectField(path, n, label, scheme.levels.map((l) => ({ value: l.key, label: l.name })), true);
  if (name === "DateHalf") return halfDayField(path, n, label);
  if (name === "Date") return inputField(path, n, label, "date");
  if (name === "Prose") return textField(path, n, label, true);
  const set = choices(node);
  if (set) return selectField(path, n, label, set, optional(node));
  if (n.type === "object" || n.properties) return objectField(path, node, n, label);
  if (n.type === "array") return listField(path, n, label);
  if (n.type === "boolean") return checkField(path, n, label);
  if (n.type === "number" || n.type === "integer") return inputField(path, n, label, "number");
  return textField(path, n, label, false);
}

function inputField(path, n, label, type) {
  const input = el("input", { type: type === "text" && n.pattern && n.pattern.includes("转") ? "tel" : type });
  const v = getAt(path);
  if (v !== undefined && v !== null) input.value = String(v);
  input.addEventListener("input", () => {
    let value = input.value;
    if (type === "number") value = value === "" ? undefined : Number(value);
    else if (value === "") value = undefined;
    setAt(path, value); changed();
  });
  return fieldBox(path, label, n, input);
}
function textField(path, n, label, long) {
  if (!long) return inputField(path, n, label, "text");
  const area = el("textarea", { rows: 3 });
  const v = getAt(path);
  if (typeof v === "string") area.value = v;
  area.addEventListener("input", () => { setAt(path, area.value === "" ? undefined : area.value); changed(); });
  return fieldBox(path, label, n, area);
}
function checkField(path, n, label) {
  const box = el("input", { type: "checkbox" });
  box.checked = getAt(path) === true;
  box.addEventListener("change", () => { setAt(path, box.checked); changed(); });
  const f = fieldBox(path, label, n, box);
  f.classList.add("check");
  f.insertBefore(box, f.firstChild);
  return f;
}
function selectField(path, n, label, set, canBeEmpty) {
  const select = el("select");
  if (canBeEmpty || getAt(path) === undefined) select.append(el("option", { value: "", text: canBeEmpty ? "（不写）" : "（请选择）" }));
  for (const c of set) select.append(el("option", { value: c.value, text: c.label }));
  const v = getAt(path);
  if (v !== undefined && v !== null) {
    // A Chinese label written in the file stands for its key.
    const found = set.find((c) => c.value === v || c.label === v || c.label.startsWith(v + "（"));
    select.value = found ? found.value : "";
  }
  select.addEventListener("change", () => { setAt(path, select.value === "" ? undefined : select.value); changed(); });
  return fieldBox(path, label, n, select);
}
function halfDayField(path, n, label) {
  const date = el("input", { type: "date" });
  const half = el("select", { "aria-label": label + " 上午或下午" });
  half.append(el("option", { value: "am", text: "上午" }), el("option", { value: "pm", text: "下午" }));
  const v = getAt(path);
  if (typeof v === "string") {
    const [d, h] = v.trim().split(/\s+/);
    date.value = d || "";
    half.value = /^(pm|PM|下午)$/.test(h || "") ? "pm" : "am";
  }
  const write = () => { setAt(path, date.value ? date.value + " " + half.value : undefined); changed(); };
  date.addEventListener("input", write);
  half.addEventListener("change", write);
  const f = fieldBox(path, label, n, date);
  const row = el("div", { class: "half" });
  f.insertBefore(row, date);
  row.append(date, half);
  return f;
}
function objectField(path, node, n, label) {
  const set = el("fieldset", { "data-path": pathText(path) });
  set.append(el("legend", { text: label }));
  const body = el("div");
  const fill = () => {
    body.replaceChildren();
    for (const [k, child] of Object.entries(n.properties || {})) body.append(build(path.concat(k), child, k));
  };
  if (optional(node) && path.length > 0) {
    const toggle = el("input", { type: "checkbox", id: "f" + ids++ });
    toggle.checked = getAt(path) != null;
    const t = el("div", { class: "field check" }, toggle, el("label", { for: toggle.id, text: "填写：" + label }));
    set.append(t);
    if (n.description) set.append(el("p", { class: "help", text: n.description }));
    toggle.addEventListener("change", () => {
      if (toggle.checked) { setAt(path, {}); fill(); } else { setAt(path, undefined); body.replaceChildren(); }
      changed();
    });
    if (toggle.checked) fill();
    controls.set(pathText(path), toggle);
  } else {
    if (n.description) set.append(el("p", { class: "help", text: n.description }));
    fill();
    controls.set(pathText(path), set);
  }
  set.append(body);
  return set;
}
function listField(path, n, label) {
  const set = el("fieldset", { "data-path": pathText(path) });
  set.append(el("legend", { text: label }));
  if (n.description) set.append(el("p", { class: "help", text: n.description }));
  const items = el("div");
  const itemNode = n.items || {};
  const itemTitle = resolve(itemNode).title || n.title || label;
  const draw = () => {
    items.replaceChildren();
    const list = getAt(path) || [];
    list.forEach((_, i) => {
      const at = path.concat(i);
      const box = el("fieldset", { class: "item", "data-path": pathText(at) });
      box.append(el("legend", { text: itemTitle + " 第 " + (i + 1) + " 项" }));
      const tools = el("span", { class: "item-tools" });
      const button = (text, act) => { const b = el("button", { type: "button", text, "aria-label": text + "：" + itemTitle + " 第 " + (i + 1) + " 项" }); b.addEventListener("click", () => { act(); draw(); changed(); }); tools.append(b); };
      if (i > 0) button("上移", () => { const l = getAt(path); [l[i - 1], l[i]] = [l[i], l[i - 1]]; });
      if (i < list.length - 1) button("下移", () => { const l = getAt(path); [l[i + 1], l[i]] = [l[i], l[i + 1]]; });
      button("删除", () => { getAt(path).splice(i, 1); if (!getAt(path).length && optional(schemaAt(path))) setAt(path, undefined); });
      box.append(tools);
      const r = resolve(itemNode);
      if (r.type === "string") box.append(build(at, Object.assign({}, r, { title: itemTitle + " " + (i + 1), description: undefined }), itemTitle));
      else for (const [k, child] of Object.entries(r.properties || {})) box.append(build(at.concat(k), child, k));
      items.append(box);
    });
  };
  const add = el("button", { type: "button", class: "add", text: "添加" + itemTitle });
  add.addEventListener("click", () => {
    const list = getAt(path) || [];
    list.push(resolve(itemNode).type === "string" ? "" : {});
    setAt(path, list); draw(); changed();
  });
  set.append(items, add);
  draw();
  controls.set(pathText(path), add);
  return set;
}
function schemaAt(path) {
  let node = schema;
  for (const p of path) {
    const n = resolve(node);
    node = typeof p === "number" ? n.items : (n.properties || {})[p];
  }
  return node;
}

// The 15 indicators as one table: maximum, 得分 / 删减 / 按扣分计算, and the computed row.
function scoreTable(path, n) {
  const wrap = el("fieldset", { "data-path": "scores" });
  wrap.append(el("legend", { text: "2 审查结果：二级指标得分" }));
  const table = el("table", { class: "scores" });
  table.append(el("thead", {}, el("tr", {}, el("th", { text: "一级指标" }), el("th", { text: "二级指标" }), el("th", { text: "分值" }), el("th", { text: "评分方式" }), el("th", { text: "得分" }), el("th", { text: "计算得分" }))));
  const body = el("tbody");
  for (const g of scheme.groups) {
    g.indicators.forEach((ind, i) => {
      const at = path.concat(ind.key);
      const v = getAt(at) ?? getAt(path.concat(ind.name));
      const kind = el("select", { id: "f" + ids++, "aria-label": ind.name + " 评分方式" });
      for (const [value, text] of [["", "（未评分）"], ["stated", "得分"], ["excluded", "删减"], ["derived", "按扣分计算"]]) kind.append(el("option", { value, text }));
      const points = el("input", { type: "number", min: 0, max: ind.max, step: "0.01", id: "f" + ids++, "aria-label": ind.name + " 得分" });
      kind.value = typeof v === "number" ? "stated" : v === "excluded" || v === "删减" ? "excluded" : v === "derived" || v === "按扣分计算" ? "derived" : "";
      if (typeof v === "number") points.value = String(v);
      const write = () => {
        if (getAt(path) == null) setAt(path, {});
        delete getAt(path)[ind.name];
        const value = kind.value === "stated" ? (points.value === "" ? undefined : Number(points.value)) : kind.value || undefined;
        setAt(at, value); changed();
      };
      kind.addEventListener("change", write);
      points.addEventListener("input", () => { if (kind.value !== "stated") kind.value = "stated"; write(); });
      const row = el("tr", { "data-path": pathText(at) });
      if (i === 0) row.append(el("td", { rowspan: g.indicators.length, text: g.name + "（" + g.weight + "）" }));
      const computed = el("td", { class: "num", "data-computed": ind.key });
      row.append(el("td", { text: ind.name }), el("td", { class: "num", text: String(ind.max) }), el("td", {}, kind), el("td", {}, points), computed);
      body.append(row);
      controls.set(pathText(at), points);
      controls.set(pathText(path.concat(ind.name)), points);
    });
  }
  table.append(body);
  wrap.append(table, el("p", { id: "score-result", role: "status", "aria-live": "polite" }));
  controls.set("scores", table);
  return wrap;
}
function showScore(check) {
  const result = $("score-result");
  if (!result) return;
  const score = check.score;
  for (const cell of document.querySelectorAll("[data-computed]")) cell.textContent = "";
  if (!score) { result.textContent = "尚不能评分"; result.className = ""; return; }
  for (const g of score.groups) for (const line of g.lines) {
    const cell = document.querySelector('[data-computed="' + line.key + '"]');
    if (cell) cell.textContent = line.obtained.kind === "points" ? String(+line.obtained.value.toFixed(2)) : line.obtained.kind === "excluded" ? "删减" : "—";
  }
  const passed = score.outcome && score.outcome.passed;
  result.className = score.outcome ? (passed ? "pass" : "fail") : "";
  result.textContent = score.result + (score.outcome ? (passed ? "　通过" : "　不通过") : "");
}

function buildForm() {
  const form = $("form");
  form.replaceChildren();
  controls = new Map();
  for (const [heading, keys] of SECTIONS) {
    form.append(el("h2", { class: "section", text: heading }));
    for (const k of keys) {
      const node = schema.properties[k];
      if (node) form.append(build([k], node, k));
    }
  }
  formBuilt = true;
}

// ---------- problems ----------

function controlFor(path) {
  let p = path;
  while (p) {
    if (controls.has(p)) return controls.get(p);
    const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
    p = cut > 0 ? p.slice(0, cut) : "";
  }
  return null;
}
function showProblems(check) {
  for (const old of document.querySelectorAll(".problem")) old.remove();
  for (const bad of document.querySelectorAll("[aria-invalid]")) bad.removeAttribute("aria-invalid");
  const errors = $("errors"), warnings = $("warnings");
  errors.replaceChildren(); warnings.replaceChildren();
  for (const d of check.diagnostics || []) {
    const isError = d.severity === "error";
    const text = d.message + (d.expected ? "（应为：" + d.expected + "）" : "");
    const control = controlFor(d.path || "");
    const id = "p" + ids++;
    if (control) {
      const note = el("p", { class: "problem" + (isError ? "" : " warning"), id, text: (isError ? "错误：" : "警告：") + text });
      const box = control.closest(".field") || control.closest("fieldset") || control.parentElement;
      box.append(note);
      if (isError) control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", ((control.getAttribute("aria-describedby") || "") + " " + id).trim());
    }
    const link = el("a", { href: "#", text: text + (d.path ? "（" + d.path + "）" : "") });
    link.addEventListener("click", (e) => { e.preventDefault(); if (control) { control.scrollIntoView({ block: "center" }); control.focus(); } });
    (isError ? errors : warnings).append(el("li", {}, link));
  }
  $("problems-title").textContent = check.errors ? "检查结果：" + check.errors + " 个错误" : "检查结果：没有错误";
  $("warnings-title").textContent = "警告（" + check.warnings + "）";
}

// ---------- server ----------

async function call(name, body) {
  const response = await fetch(api(name), body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const data = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
  if (!response.ok) { const e = new Error(data ? data.message : response.statusText); e.code = data && data.code; throw e; }
  return data;
}
function message(text, ok) {
  const m = $("message");
  m.hidden = !text;
  m.textContent = text || "";
  m.className = ok ? "ok" : "";
}

async function update() {
  const serial = ++updateSerial;
  const typedAt = lastChange;
  const answer = await call("update", { path: current.path, record: current.record, have: [...pageUrls.keys()] });
  if (serial < lastShown) return;
  lastShown = serial;
  showProblems(answer.check);
  showScore(answer.check);
  const pages = $("pages");
  if (answer.pages) {
    // Pages that did not change keep their image; the others come as SVG.
    const urls = new Map();
    for (const page of answer.pages) {
      urls.set(page.id, page.svg != null ? URL.createObjectURL(new Blob([page.svg], { type: "image/svg+xml" })) : pageUrls.get(page.id));
    }
    for (const [id, url] of pageUrls) if (!urls.has(id)) URL.revokeObjectURL(url);
    pageUrls = urls;
    const shown = [...pages.querySelectorAll("img")];
    const images = answer.pages.map((page, i) => {
      const img = shown[i] || el("img", { alt: "报告第 " + (i + 1) + " 页" });
      if (img.getAttribute("src") !== urls.get(page.id)) img.src = urls.get(page.id);
      return img;
    });
    await Promise.all(images.map((img) => img.decode().catch(() => {})));
    pages.replaceChildren(...images);
    pages.classList.remove("stale");
    // Milliseconds from the last change to its pages on screen (bench/README.md, the editor).
    if (typedAt) document.body.dataset.latency = String(Math.round(performance.now() - typedAt));
    $("preview-note").textContent = "预览：共 " + images.length + " 页";
    $("open-pdf").disabled = false;
  } else {
    pages.classList.add("stale");
    $("preview-note").textContent = pages.children.length ? "记录有错误：显示的是最后一次无误时的预览" : (answer.render_error || "记录有错误，改正后显示预览");
  }
  document.body.dataset.updated = String(serial);
  if (!updateTimer && serial === updateSerial) delete document.body.dataset.pending;
}

async function openRecord(path) {
  message("");
  const opened = await call("open?path=" + encodeURIComponent(path));
  current = { path, version: opened.version, comments: opened.comments, record: opened.record || {} };
  $("title").textContent = path;
  $("folder").hidden = true;
  $("editor").hidden = false;
  for (const id of ["save", "open-pdf"]) $(id).hidden = false;
  $("to-folder").hidden = !inFolder;
  $("open-pdf").disabled = true;
  $("pages").replaceChildren();
  for (const url of pageUrls.values()) URL.revokeObjectURL(url);
  pageUrls = new Map();
  buildForm();
  $("status").textContent = "已打开";
  await update();
}

async function save(dropComments) {
  try {
    const saved = await call("save", { path: current.path, record: current.record, version: current.version, drop_comments: !!dropComments });
    if (!saved.saved) { const e = new Error(saved.message); e.code = saved.code; throw e; }
    current.version = saved.version;
    $("status").textContent = "已保存";
    message("已保存 " + current.path, true);
  } catch (e) {
    if (e.code === "comments-would-be-lost") {
      $("confirm-text").textContent = e.message;
      $("confirm").showModal();
      return;
    }
    message("未保存：" + e.message);
  }
}

async function showFolder() {
  const list = await call("folder");
  $("editor").hidden = true;
  $("folder").hidden = false;
  for (const id of ["save", "open-pdf", "to-folder"]) $(id).hidden = true;
  $("title").textContent = "审查记录文件夹";
  folderRows = list.records;
  $("open-summary").hidden = !list.summary;
  $("new-profile").hidden = list.profile;
  drawFolder();
}
// Whether a folder was opened (the record view then has 返回文件夹).
let inFolder = false;
let folderRows = [];
let folderSort = ["path", 1];
const chosen = new Set();
// Scores sort as numbers, everything else as text; what is missing sorts first.
function sortKey(row, key) {
  const v = row[key];
  if (v === undefined || v === null || v === "") return [0, ""];
  return key === "score" || key === "errors" ? [1, Number(v)] : [1, String(v)];
}
function compareRows(a, b, key) {
  const [x, y] = [sortKey(a, key), sortKey(b, key)];
  if (x[0] !== y[0]) return x[0] - y[0];
  return x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
}
function drawFolder() {
  const [key, dir] = folderSort;
  const rows = folderRows.slice().sort((a, b) => dir * compareRows(a, b, key) || compareRows(a, b, "path"));
  for (const b of document.querySelectorAll("[data-sort]")) {
    b.closest("th").setAttribute("aria-sort", b.dataset.sort !== key ? "none" : dir > 0 ? "ascending" : "descending");
  }
  const body = $("records").tBodies[0];
  body.replaceChildren();
  for (const r of rows) {
    const open = el("button", { type: "button", text: "打开", "aria-label": "打开 " + r.path });
    open.addEventListener("click", () => openRecord(r.path));
    const choose = el("input", { type: "checkbox", "aria-label": "选择 " + r.path });
    choose.checked = chosen.has(r.path);
    choose.addEventListener("change", () => { choose.checked ? chosen.add(r.path) : chosen.delete(r.path); chosenChanged(); });
    const status = r.errors ? el("span", { class: "bad", text: r.errors + " 个错误" }) : el("span", { class: "good", text: "✓" });
    body.append(el("tr", {}, el("td", {}, choose), el("td", { text: r.path }), el("td", { text: r.client || "" }), el("td", { text: r.audit_type || "" }), el("td", { text: r.start || "" }), el("td", { text: r.end || "" }), el("td", { class: "num", text: r.score ?? "" }), el("td", { text: r.level || "" }), el("td", {}, status), el("td", {}, open)));
  }
  chosenChanged();
}
function chosenChanged() {
  for (const p of [...chosen]) if (!folderRows.some((r) => r.path === p)) chosen.delete(p);
  $("next-chosen").disabled = chosen.size === 0;
  $("next-chosen").textContent = "为选中的记录生成下一年度记录" + (chosen.size ? "（" + chosen.size + " 份）" : "");
  $("choose-all").checked = folderRows.length > 0 && chosen.size === folderRows.length;
}

// ---------- the folder's year: next, render all ----------

async function nextChosen() {
  const answer = await call("next", { paths: [...chosen].sort() });
  const notes = answer.results.map((r) => r.error
    ? r.path + "：未生成，" + r.error
    : "已生成 " + r.written + "（由 " + r.path + "）" + (r.review.length ? "，请核对沿用的内容：" + r.review.join("、") : ""));
  const failed = answer.results.some((r) => r.error);
  chosen.clear();
  await showFolder();
  message(notes.join("\n"), !failed);
}
async function renderAll() {
  $("render-all").disabled = true;
  $("open-summary").hidden = true;
  let progress = await call("render-all", {});
  $("batch").hidden = false;
  while (true) {
    showProgress(progress);
    if (!progress.running) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
    progress = await call("render-all");
  }
  $("render-all").disabled = false;
  await showFolder();
  if (progress.error) message("未能生成报告：" + progress.error);
  else {
    const s = progress.summary;
    message("已生成报告：成功 " + s.succeeded + " 份（其中未变更 " + s.unchanged + " 份），失败 " + s.failed + " 份；报告与汇总表在 " + s.file.split("/")[0] + " 文件夹中", s.failed === 0);
    $("open-summary").hidden = false;
  }
}
function showProgress(progress) {
  const bar = $("batch-progress");
  bar.max = Math.max(progress.total, 1);
  bar.value = progress.done;
  $("batch-label").textContent = progress.running ? "正在生成报告：" + progress.done + " / " + progress.total : "生成报告：完成 " + progress.done + " / " + progress.total;
  const notes = progress.rows.filter((r) => !r.succeeded).map((r) => r.file + "：" + r.status_label + (r.first_error ? "，" + r.first_error : ""));
  $("batch-notes").replaceChildren(...notes.concat(progress.warnings).map((text) => el("li", { text })));
}

async function start() {
  [schema, scheme] = await Promise.all([call("schema"), call("scheme")]);
  const session = await call("session");
  $("to-folder").addEventListener("click", showFolder);
  $("save").addEventListener("click", () => save(false));
  $("open-pdf").addEventListener("click", () => window.open(api("pdf?path=" + encodeURIComponent(current.path)), "_blank"));
  $("confirm-yes").addEventListener("click", () => { $("confirm").close(); save(true); });
  $("confirm-no").addEventListener("click", () => $("confirm").close());
  for (const b of document.querySelectorAll("[data-sort]")) b.addEventListener("click", () => { folderSort = [b.dataset.sort, folderSort[0] === b.dataset.sort ? -folderSort[1] : 1]; drawFolder(); });
  $("next-chosen").addEventListener("click", () => nextChosen().catch((e) => message("未生成：" + e.message)));
  $("render-all").addEventListener("click", () => renderAll().catch((e) => { $("render-all").disabled = false; message("未能生成报告：" + e.message); }));
  $("choose-all").addEventListener("change", () => { for (const r of folderRows) $("choose-all").checked ? chosen.add(r.path) : chosen.delete(r.path); drawFolder(); });
  $("new-profile").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const made = await call("new-profile", { name: $("cb-name").value, address: $("cb-address").value, phone: $("cb-phone").value, post_code: $("cb-post-code").value });
      if (made.saved === false) throw new Error(made.message);
      await showFolder();
      message("已保存认证机构信息 " + made.path, true);
    } catch (err) { message(err.message); }
  });
  $("new-record").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const made = await call("new", { name: $("new-name").value, audit_type: $("new-type").value });
      await openRecord(made.path);
    } catch (err) { message("未新建：" + err.message); }
  });
  inFolder = !session.record;
  if (session.record) await openRecord(session.record);
  else await showFolder();
  document.body.dataset.ready = "true";
}

start().catch((e) => message("编辑器无法启动：" + e.message));

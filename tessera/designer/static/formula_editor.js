// The formula editor: enhances every <textarea data-formula data-formula-object="..."> of the
// page (and those added later). As you type it checks the formula through the API, shows the
// result type or the error in words and underlines the error at its line and column; it
// completes fields, lookups and functions; "Try on a record" evaluates it for a stored record.
// The textarea keeps its name and value, so the form around it submits as before.
//
// Attributes: data-formula-object (the object), data-formula-type (the expected result type),
// data-formula-context (field, filter, validation, automation, aggregate; without it a textarea
// named "...measure" is an aggregate and "...error_when" a validation formula), data-formula-source
// ("published" to check against the published model; by default the draft metadata, for
// administrators designing it, falling back to the published model for others),
// data-formula-try ("off" leaves out "Try on a record", e.g. where many small formulas sit side by side).
import { api } from "./api.js";
import { Completion } from "./formula_completion.js";
import { Mirror, offsetOf } from "./formula_mirror.js";
import { fill, pageLanguage, texts } from "./formula_sources.js";

const API = "/api/v1/formula";
const DELAY_MS = 300;
const WATCHED = ["data-formula-object", "data-formula-type", "data-formula-context", "data-formula-source"];
let ids = 0;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The first diagnostic's message in the page's language, placed at its line and column.
function diagnosticText(t, diagnostic) {
  const message = pageLanguage() === "zh-CN" ? diagnostic.message_zh : diagnostic.message;
  return fill(t.error_at, { line: diagnostic.line, column: diagnostic.column, message });
}

function problemText(t, result) {
  const problem = result.data || {};
  const messages = Object.values(problem.errors || {}).flat();
  return [problem.detail, ...messages].filter(Boolean).join(" ") || t.failed;
}

// The context a textarea without data-formula-context implies by its name: a KPI measure is an
// aggregate, a validation rule's error_when a validation formula; anything else a field formula.
function implied(textarea) {
  const name = textarea.name || "";
  if (/measure$/.test(name)) return "aggregate";
  if (/error_when$/.test(name)) return "validation";
  return "";
}

class FormulaEditor {
  constructor(textarea, t) {
    this.textarea = textarea;
    this.t = t;
    this.serial = 0;
    this.draftDenied = false;
    this.build(++ids);
    textarea.classList.add("formula-input");
    textarea.spellcheck = false;
    const described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", [described, this.status.id].filter(Boolean).join(" "));
    this.mirror.copyStyles();
    this.wire();
    if (textarea.value.trim()) this.check();
  }

  // Wrap the textarea in the editor's box (mirror behind it, suggestions under it), then the
  // status and the record field.
  build(id) {
    const textarea = this.textarea;
    this.root = element("div", "formula-editor");
    this.box = element("div", "formula-box");
    this.mirror = new Mirror(textarea);
    this.status = element("p", "formula-status");
    this.status.id = `formula-status-${id}`;
    this.status.setAttribute("role", "status");
    this.move(() => {
      textarea.before(this.root);
      this.box.append(this.mirror.node, textarea);
      this.root.append(this.box);
    });
    const label = this.root.parentElement.closest("label");
    const outside = label ? this.outsideOf(label) : this.root;
    this.completion = new Completion(textarea, label ? outside : this.box, this.t);
    outside.append(this.status, this.tryRow(id));
  }

  // Run `moves` of the page that drop the textarea's focus; give it back with its selection.
  move(moves) {
    const area = this.textarea;
    const focused = document.activeElement === area;
    const { selectionStart, selectionEnd } = area;
    moves();
    if (focused) { area.focus(); area.setSelectionRange(selectionStart, selectionEnd); }
  }

  // Inside the page's <label>, the suggestions, the status and the record field go after it
  // (the label's text is the textarea's name, and a label holds no other label), the two
  // wrapped together so that they keep the label's place in the page's grid or flex row.
  outsideOf(label) {
    const outside = element("div", "formula-outside");
    this.move(() => {
      const keeper = element("div", "formula-label-keeper");
      label.replaceWith(keeper);
      keeper.append(label, outside);
    });
    return outside;
  }

  settings() {
    const data = this.textarea.dataset;
    return { object: data.formulaObject || "", returns: data.formulaType || "", context: data.formulaContext || implied(this.textarea),
      draft: data.formulaSource !== "published" && !this.draftDenied };
  }

  tryRow(id) {
    const row = element("div", "formula-try");
    row.hidden = this.textarea.dataset.formulaTry === "off";
    this.tryPart = row;
    const label = element("label", "", this.t.try_record);
    this.recordInput = element("input", "formula-try-record");
    this.recordInput.id = `formula-try-${id}`;
    this.recordInput.inputMode = "numeric";
    this.recordInput.autocomplete = "off";
    label.htmlFor = this.recordInput.id;
    this.tryButton = element("button", "button formula-try-button", this.t.try_button);
    this.tryButton.type = "button";
    this.output = element("output", "formula-try-result");
    this.output.htmlFor = this.recordInput.id;
    row.append(label, this.recordInput, this.tryButton, this.output);
    return row;
  }

  wire() {
    const area = this.textarea;
    area.addEventListener("input", () => {
      this.mirror.clear();  // the old mark no longer sits on the text it named
      this.schedule();
      this.completion.update(this.settings());
    });
    area.addEventListener("keydown", (event) => this.completion.key(event, this.settings()));
    area.addEventListener("blur", () => this.completion.close());
    // A page may set the value by script (no input event): check it when the editor is entered.
    area.addEventListener("focus", () => { if (area.value !== this.checked) this.schedule(); });
    area.addEventListener("click", () => this.completion.close());
    new MutationObserver(() => this.check()).observe(area, { attributes: true, attributeFilter: WATCHED });
    this.tryButton.addEventListener("click", () => this.tryOnRecord());
    this.recordInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); this.tryOnRecord(); }
    });
    new ResizeObserver(() => this.mirror.sync()).observe(area);
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), DELAY_MS);
  }

  body(extra = {}) {
    const s = this.settings();
    const body = { object: s.object, expression: this.textarea.value, ...extra };
    if (s.returns) body.returns = s.returns;
    if (s.context) body.context = s.context;
    return body;
  }

  async check() {
    clearTimeout(this.timer);
    const serial = ++this.serial;
    const { object, draft, context } = this.settings();
    // An aggregate has no value for one record.
    this.tryPart.hidden = context === "aggregate" || this.textarea.dataset.formulaTry === "off";
    if (!object || !this.textarea.value.trim()) { this.reset(); return; }
    this.say(this.t.checking, "checking");
    const body = this.body();
    let result = await api("POST", `${API}/check`, draft ? { ...body, draft: true } : body).catch(() => null);
    if (draft && result && result.status === 403) {
      this.draftDenied = true;
      result = await api("POST", `${API}/check`, body).catch(() => null);
    }
    if (serial !== this.serial) return;
    // An answer about older text would mark the wrong span: check the newer text instead.
    if (body.expression !== this.textarea.value) { this.schedule(); return; }
    this.checked = body.expression;
    this.show(result);
  }

  say(text, state) {
    this.status.textContent = text;
    this.status.dataset.state = state;
  }

  reset() {
    this.textarea.removeAttribute("aria-invalid");
    this.mirror.clear();
    this.say("", "");
  }

  // Show a check's answer: the result type, or the error in words and underlined.
  show(result) {
    const area = this.textarea;
    this.reset();
    if (!result) { this.say(this.t.failed, "error"); return; }
    if (result.ok) {
      const type = this.t[`type.${result.data.type}`] || result.data.type;
      this.say(fill(this.t.valid, { type }), "valid");
      return;
    }
    area.setAttribute("aria-invalid", "true");
    const diagnostic = ((result.data || {}).diagnostics || [])[0];
    if (!diagnostic) { this.say(problemText(this.t, result), "error"); return; }
    const text = area.value;
    const start = offsetOf(text, diagnostic.line, diagnostic.column);
    const end = offsetOf(text, diagnostic.line, diagnostic.end_column);
    const words = diagnosticText(this.t, diagnostic);
    const mark = this.mirror.mark(text, start, end, words);
    Object.assign(mark.dataset, { line: diagnostic.line, column: diagnostic.column, endColumn: diagnostic.end_column });
    this.say(words, "error");
  }

  async tryOnRecord() {
    const id = this.recordInput.value.trim();
    if (!/^\d+$/.test(id)) { this.answer(this.t.try_need_record, "error"); return; }
    this.answer(this.t.try_running, "checking");
    const result = await api("POST", `${API}/evaluate`, this.body({ record_id: Number(id) })).catch(() => null);
    if (!result) { this.answer(this.t.failed, "error"); return; }
    if (!result.ok) {
      const diagnostic = ((result.data || {}).diagnostics || [])[0];
      this.answer(diagnostic ? diagnosticText(this.t, diagnostic) : problemText(this.t, result), "error");
      return;
    }
    const value = result.data.value;
    const shown = value === null || value === undefined ? this.t.try_empty : (Array.isArray(value) ? value.join(", ") : String(value));
    this.answer(fill(this.t.try_value, { value: shown }), "valid");
  }

  answer(text, state) {
    this.output.textContent = text;
    this.output.dataset.state = state;
  }
}

const enhanced = new WeakSet();

// Enhance every formula textarea inside `root` (once each).
export async function enhance(root = document) {
  const found = root.matches && root.matches("textarea[data-formula]") ? [root] : [...root.querySelectorAll("textarea[data-formula]")];
  const fresh = found.filter((area) => !enhanced.has(area));
  if (!fresh.length) return;
  fresh.forEach((area) => enhanced.add(area));
  const t = await texts().catch(() => ({}));
  fresh.forEach((area) => new FormulaEditor(area, t));
}

function watch() {
  enhance(document);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) if (node.nodeType === Node.ELEMENT_NODE) enhance(node);
    }
  }).observe(document.body, { childList: true, subtree: true });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
else watch();

// The administrators' forms: each input names its API property in data-key; the form sends
// them to its data-api with data-method and shows the API's problem next to the fields
// (errors keyed by property, or by "kind/name:property.path" for metadata documents).
// Buttons with class api-action send one call (revoke, deactivate, retry, replay...).
import { api } from "./api.js";

class BadInput extends Error {
  constructor(key, message) { super(message); this.key = key; }
}

function readOne(input) {
  const kind = input.dataset.kind || "text";
  const text = input.value.trim();
  if (kind === "bool") return input.checked;
  if (kind === "int") return text === "" ? null : /^\d+$/.test(text) ? Number(text) : text;
  if (kind === "lines") return text.split("\n").map((line) => line.trim()).filter(Boolean);
  if (kind === "json") {
    if (text === "") return undefined;
    try { return JSON.parse(text); } catch { throw new BadInput(input.dataset.key, input.form.dataset.msgBadJson); }
  }
  if (kind === "omit-empty" || kind === "text-omit") return text === "" ? undefined : input.value;
  return text === "" ? null : text;
}

// The body a form describes: its data-base (a document being edited) with each input's value.
export function collect(form) {
  const body = form.dataset.base ? JSON.parse(form.dataset.base) : {};
  const labels = {};
  for (const input of form.querySelectorAll("[data-kind=list]")) body[input.dataset.key] = [];
  for (const input of form.querySelectorAll("[data-key]")) {
    const key = input.dataset.key;
    if (input.dataset.kind === "list") {
      if (input.checked) body[key].push(input.value);
    } else if (input.dataset.kind === "more") {
      const extra = input.value.split(/[\s,]+/).filter((word) => word && !(body[key] || []).includes(word));
      body[key] = [...(body[key] || []), ...extra];
    } else if (input.dataset.kind === "label") {
      labels[key] = labels[key] || {};
      if (input.value.trim()) labels[key][input.dataset.locale] = input.value.trim();
    } else {
      const value = readOne(input);
      if (value === undefined) delete body[key]; else body[key] = value;
    }
  }
  for (const [key, map] of Object.entries(labels)) {
    if (Object.keys(map).length) body[key] = map; else if (form.dataset.method === "PATCH") body[key] = null; else delete body[key];
  }
  return body;
}

function slotFor(form, path) {
  const tail = path.includes(":") ? path.slice(path.lastIndexOf(":") + 1) : path;
  for (const key of [path, tail, tail.split(/[./[]/)[0]]) {
    const slot = form.querySelector(`#err-${CSS.escape(key)}`);
    if (slot && form.contains(slot)) return { key, slot };
  }
  return null;
}

export function clearProblems(form) {
  const alertBox = form.querySelector(".form-alert");
  alertBox.hidden = true;
  alertBox.replaceChildren();
  for (const box of form.querySelectorAll(".invalid")) box.classList.remove("invalid");
  for (const slot of form.querySelectorAll(".field-error")) { slot.hidden = true; slot.textContent = ""; }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

function lines(texts) {
  return texts.map((text) => Object.assign(document.createElement("p"), { textContent: text }));
}

// Show an API problem: each error next to its input, the rest (and a summary) at the top.
export function showProblems(form, problem) {
  const stray = [];
  let first = null;
  for (const [path, messages] of Object.entries(problem.errors || {})) {
    const found = slotFor(form, path);
    if (!found) { stray.push(...messages); continue; }
    found.slot.textContent = [found.slot.textContent, ...messages].filter(Boolean).join(" ");
    found.slot.hidden = false;
    const box = found.slot.closest(".field") || found.slot.parentElement;
    box.classList.add("invalid");
    const input = form.querySelector(`[data-key="${CSS.escape(found.key)}"]`);
    if (input) { input.setAttribute("aria-invalid", "true"); first = first || input; }
  }
  const summary = first ? form.dataset.msgInvalid : problem.detail || form.dataset.msgFailed;
  const alertBox = form.querySelector(".form-alert");
  alertBox.replaceChildren(...lines([summary, ...(first && problem.detail ? [problem.detail] : []), ...stray]));
  alertBox.hidden = false;
  (first || alertBox).focus();
}

function destination(template, data) {
  return template.replace(/\{(\w+)\}/g, (_, key) => encodeURIComponent(data && data[key] != null ? data[key] : ""));
}

// Wire ``form``: on submit, send collect(form) (or what ``build`` makes of it); on success
// call ``done`` with the answer, or follow data-done (a URL template, or "reload").
export function wireForm(form, { build = collect, done = null } = {}) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblems(form);
    const status = form.querySelector(".form-status");
    let body;
    try { body = build(form); } catch (error) {
      if (error instanceof BadInput) { showProblems(form, { errors: { [error.key]: [error.message] } }); return; }
      throw error;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const answer = await api(form.dataset.method, form.dataset.api, body);
      if (!answer.ok) { showProblems(form, answer.data || {}); return; }
      if (done) { done(answer.data); return; }
      if (status) status.textContent = form.dataset.msgSaved;
      if (form.dataset.done === "reload") window.location.reload();
      else if (form.dataset.done) window.location.assign(destination(form.dataset.done, answer.data));
    } catch {
      showProblems(form, {});
    } finally {
      button.disabled = false;
    }
  });
}

function actionAlert(button) {
  const scope = button.closest("section, form, li, tr, .panel") || document;
  return scope.querySelector(".action-alert") || document.querySelector(".action-alert");
}

// A button sending one call; on success the page reloads (or goes to data-done).
export function wireAction(button) {
  button.addEventListener("click", async () => {
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    const alertBox = actionAlert(button);
    if (alertBox) { alertBox.hidden = true; alertBox.replaceChildren(); }
    button.disabled = true;
    const body = button.dataset.body ? JSON.parse(button.dataset.body) : undefined;
    const answer = await api(button.dataset.method, button.dataset.api, body).catch(() => ({ ok: false, data: null }));
    button.disabled = false;
    if (answer.ok) {
      if (button.dataset.done) window.location.assign(button.dataset.done); else window.location.reload();
      return;
    }
    const problem = answer.data || {};
    const texts = [problem.detail || button.dataset.msgFailed];
    for (const messages of Object.values(problem.errors || {})) texts.push(...messages);
    if (alertBox) { alertBox.replaceChildren(...lines(texts)); alertBox.hidden = false; alertBox.focus(); }
  });
}

for (const form of document.querySelectorAll("form.api-form:not([data-custom])")) wireForm(form);
for (const button of document.querySelectorAll("button.api-action")) wireAction(button);

// What the designer's forms share: building a document from inputs named by their path,
// saving it as a draft through PUT /api/v1/metadata/<kind>/<name>, and showing the API's
// problems next to the inputs their paths name (the rest in the alert at the top).
import { api } from "./api.js";

// "12.5" (per cent typed by a person) -> "0.125" (the fraction stored), as decimal text.
export function percentToFraction(text) {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (!match[2] && !match[3])) return null;
  const [, sign, whole, fraction = ""] = match;
  const digits = (whole || "0").padStart(3, "0");
  const result = `${digits.slice(0, -2)}.${digits.slice(-2)}${fraction}`.replace(/^0+(?=\d)/, "");
  return sign + (result.replace(/\.?0+$/, "") || "0");
}

// A typed number as the JSON number the API reads (its text kept exact), or the text itself
// when it is no number, so the API names the field instead of the page guessing.
export function numberOrText(text) {
  const trimmed = text.trim();
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(trimmed) ? Number(trimmed) : trimmed;
}

export function setPath(target, path, value) {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) node = node[part] = node[part] || {};
  node[parts[parts.length - 1]] = value;
}

// A locale map from the inputs of a pair (label.en, label.zh-CN); null when both are empty.
export function localeMap(form, path) {
  const map = {};
  for (const input of form.querySelectorAll(`[data-path="${path}"] input`)) {
    const locale = input.name.slice(path.length + 1);
    if (input.value.trim()) map[locale] = input.value.trim();
  }
  return Object.keys(map).length ? map : null;
}

export function clearProblems(form) {
  const alertBox = form.querySelector("#form-alert");
  alertBox.hidden = true;
  alertBox.replaceChildren();
  form.querySelector("#form-saved").textContent = "";
  for (const box of form.querySelectorAll(".invalid")) box.classList.remove("invalid");
  for (const slot of form.querySelectorAll(".field-error")) { slot.hidden = true; slot.textContent = ""; }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

function slotOf(form, path, locate) {
  const found = locate ? locate(path) : null;
  if (found) return found;
  for (let at = path; at; at = at.includes(".") ? at.slice(0, at.lastIndexOf(".")) : "") {
    const box = form.querySelector(`[data-path="${CSS.escape(at)}"]`);
    if (box && !box.hidden && box.querySelector(":scope > .field-error")) return box;
  }
  return null;
}

function sayAlert(form, lines) {
  const alertBox = form.querySelector("#form-alert");
  alertBox.replaceChildren(...lines.map((text) => Object.assign(document.createElement("p"), { textContent: text })));
  alertBox.hidden = false;
  alertBox.focus();
}

// Each problem under its input; ``locate(path)`` may find boxes the data-path attributes do not.
export function showProblems(form, problem, locate) {
  const stray = [];
  let first = null;
  for (const [path, messages] of Object.entries((problem && problem.errors) || {})) {
    const box = slotOf(form, path, locate);
    if (!box) { stray.push(...messages); continue; }
    const slot = box.querySelector(":scope > .field-error") || box.querySelector(".field-error");
    box.classList.add("invalid");
    slot.textContent = [slot.textContent, ...messages].filter(Boolean).join(" ");
    slot.hidden = false;
    const input = box.querySelector("input:not([type=hidden]), select, textarea");
    if (input) { input.setAttribute("aria-invalid", "true"); first = first || input; }
  }
  const summary = first && !stray.length ? form.dataset.msgInvalid : (problem && problem.detail) || form.dataset.msgFailed;
  sayAlert(form, [summary, ...stray]);
  if (first) first.focus();
}

// Save ``body`` as the draft of the form's document; on success a new document's page opens,
// an existing one says the version saved.
export async function saveDraft(form, body, locate) {
  const name = form.dataset.name || body.name || "";
  if (!name) { showProblems(form, { errors: { name: [form.dataset.msgNameRequired] } }, locate); return; }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const url = `${form.dataset.api}/${encodeURIComponent(name)}`;
    const answer = await api("PUT", url, { ...body, name });
    if (!answer.ok) { showProblems(form, answer.data || {}, locate); return; }
    if (!form.dataset.name) {
      window.location.assign(`${form.dataset.editUrl.replace("__name__", encodeURIComponent(name))}?saved=${answer.data.version}`);
      return;
    }
    form.querySelector("#form-saved").textContent = form.dataset.msgSaved.replace("{version}", answer.data.version);
  } catch {
    sayAlert(form, [form.dataset.msgFailed]);
  } finally {
    button.disabled = false;
  }
}

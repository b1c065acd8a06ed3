// The record form: sends what changed to the REST API (with the version read, for
// optimistic locking) and shows the API's problems next to their fields.
import { api } from "./api.js";

const form = document.getElementById("record-form");
const alertBox = document.getElementById("form-alert");
const creating = form.dataset.method === "POST";

// "12.5" (percent typed by a person) -> "0.125" (the fraction the API stores), exactly.
export function percentToFraction(text) {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) return text;
  const [, sign, whole, fraction = ""] = match;
  const digits = (whole || "0").padStart(3, "0");
  const result = `${digits.slice(0, -2)}.${digits.slice(-2)}${fraction}`.replace(/^0+(?=\d)/, "");
  return sign + result.replace(/\.?0+$/, "") || "0";
}

function readInput(box) {
  const type = box.dataset.type;
  const input = box.querySelector("input, select, textarea");
  if (input.type === "checkbox") return { changed: input.checked !== input.defaultChecked, value: input.checked };
  if (input.multiple) {
    const options = [...input.options];
    const changed = options.some((o) => o.selected !== o.defaultSelected);
    return { changed, value: options.filter((o) => o.selected).map((o) => o.value) };
  }
  const initial = input.tagName === "SELECT"
    ? ([...input.options].find((o) => o.defaultSelected) || { value: "" }).value
    : input.defaultValue;
  const text = input.value.trim();
  const changed = input.value !== initial;
  if (text === "") return { changed, value: null };
  if (type === "percent") return { changed, value: percentToFraction(text) };
  if (box.querySelector("input[inputmode=numeric]")) return { changed, value: /^\d+$/.test(text) ? Number(text) : text };
  return { changed, value: input.value };
}

function payload() {
  const body = {};
  for (const box of form.querySelectorAll(".field[data-field]")) {
    if (!box.querySelector("input, select, textarea")) continue;
    const { changed, value } = readInput(box);
    if (creating ? value !== null && !(Array.isArray(value) && !value.length) : changed) body[box.dataset.field] = value;
  }
  return body;
}

function clearProblems() {
  alertBox.hidden = true;
  alertBox.replaceChildren();
  for (const box of form.querySelectorAll(".field.invalid")) box.classList.remove("invalid");
  for (const p of form.querySelectorAll(".field-error")) { p.hidden = true; p.textContent = ""; }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

function say(...nodes) {
  alertBox.replaceChildren(...nodes);
  alertBox.hidden = false;
  alertBox.focus();
}

function showProblems(problem) {
  const stray = [];
  let first = null;
  for (const [path, messages] of Object.entries(problem.errors || {})) {
    const box = form.querySelector(`.field[data-field="${CSS.escape(path)}"]`);
    const slot = box && box.querySelector(".field-error");
    if (!slot) { stray.push(...messages); continue; }
    box.classList.add("invalid");
    slot.textContent = messages.join(" ");
    slot.hidden = false;
    const input = box.querySelector("input, select, textarea");
    if (input) { input.setAttribute("aria-invalid", "true"); first = first || input; }
  }
  const summary = first && !stray.length ? form.dataset.msgInvalid : problem.detail || form.dataset.msgFailed;
  const lines = [summary, ...stray].map((text) => {
    const p = document.createElement("p");
    p.textContent = text;
    return p;
  });
  say(...lines);
  if (first) first.focus();
}

function showConflict() {
  const text = document.createElement("p");
  text.textContent = form.dataset.msgConflict;
  const reload = document.createElement("a");
  reload.href = window.location.href;
  reload.className = "button";
  reload.id = "reload-record";
  reload.textContent = form.dataset.msgReload;
  say(text, reload);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems();
  const body = payload();
  if (!creating && !Object.keys(body).length) { say(Object.assign(document.createElement("p"), { textContent: form.dataset.msgUnchanged })); return; }
  const headers = creating ? {} : { "If-Match": `"${form.dataset.version}"` };
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const result = await api(form.dataset.method, form.dataset.api, body, headers);
    if (result.ok) { window.location.assign(form.dataset.recordUrl + result.data.id); return; }
    if (result.status === 409 || result.status === 412) {
      if (result.data && result.data.code === "stale_version") { showConflict(); return; }
    }
    showProblems(result.data || {});
  } catch {
    say(Object.assign(document.createElement("p"), { textContent: form.dataset.msgFailed }));
  } finally {
    button.disabled = false;
  }
});

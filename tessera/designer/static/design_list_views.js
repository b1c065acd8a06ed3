// The shared list view editor: columns picked and ordered (buttons move a column up or down),
// filter, sort and default, saved as a metadata draft; the API's problems are shown next to
// the part of the form their path names (columns[1] next to the columns, sort[0].field next to the sort).
import { api } from "./api.js";

const form = document.getElementById("view-form");
const alertBox = document.getElementById("view-alert");
const picker = document.getElementById("column-picker");

function moveColumn(button) {
  const item = button.closest("li");
  const step = Number(button.dataset.move);
  const other = step < 0 ? item.previousElementSibling : item.nextElementSibling;
  if (!other) return;
  if (step < 0) other.before(item); else other.after(item);
  button.focus();
}

function documentBody() {
  const els = form.elements;
  const label = { en: els.label_en.value.trim() };
  if (els.label_zh.value.trim()) label["zh-CN"] = els.label_zh.value.trim();
  const columns = [...picker.querySelectorAll("input[type=checkbox]:checked")].map((box) => box.value);
  const fields = [...form.querySelectorAll("select[name=sort_field]")];
  const directions = [...form.querySelectorAll("select[name=sort_direction]")];
  const sort = fields.map((select, i) => ({ field: select.value, direction: directions[i].value })).filter((key) => key.field);
  const body = { kind: "list_view", name: els.name.value.trim(), object: form.dataset.object, label, columns, sort,
                 default: els.default.checked };
  if (els.filter.value.trim()) body.filter = els.filter.value;
  return body;
}

function clearProblems() {
  alertBox.hidden = true;
  alertBox.replaceChildren();
  for (const slot of form.querySelectorAll(".field-error")) { slot.hidden = true; slot.textContent = ""; }
  for (const box of form.querySelectorAll(".invalid")) box.classList.remove("invalid");
}

function say(lines) {
  alertBox.replaceChildren(...lines.map((text) => Object.assign(document.createElement("p"), { textContent: text })));
  alertBox.hidden = false;
  alertBox.focus();
}

function showProblems(problem) {
  const stray = [];
  let placed = false;
  for (const [path, messages] of Object.entries(problem.errors || {})) {
    const part = path.split(/[.[]/)[0];
    const box = form.querySelector(`[data-path="${CSS.escape(part)}"]`);
    const slot = box && box.querySelector(".field-error");
    if (!slot) { stray.push(...messages); continue; }
    box.classList.add("invalid");
    slot.textContent = [slot.textContent, ...messages].filter(Boolean).join(" ");
    slot.hidden = false;
    placed = true;
  }
  say([placed && !stray.length ? form.dataset.msgInvalid : problem.detail || form.dataset.msgFailed, ...stray]);
}

picker.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-move]");
  if (button) moveColumn(button);
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems();
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const result = await api(form.dataset.method, form.dataset.api.replace(/\/$/, ""), documentBody());
    if (result.ok) { window.location.assign(form.dataset.done); return; }
    showProblems(result.data || {});
  } catch {
    say([form.dataset.msgFailed]);
  } finally {
    button.disabled = false;
  }
});

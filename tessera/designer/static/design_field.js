// The field editor: the type picker shows the chosen type's options; Save puts the field into
// the object document (replacing the field edited, or appended) and saves the draft through
// the REST API; the API's problems ("fields[4].scale") are shown next to their inputs.
import { clearErrors, loadDraft, readLocaleMap, saveDraft, showErrors } from "./design_doc.js";

const form = document.getElementById("field-form");
const alertBox = document.getElementById("field-alert");
const COMMON = ["name", "type", "label", "help", "required", "unique", "indexed", "default"];

function chosenType() {
  const radio = form.querySelector("input[name=type]:checked");
  return radio ? radio.value : "";
}

function panel(type = chosenType()) {
  return form.querySelector(`[data-type-panel="${CSS.escape(type)}"]`);
}

function showPanel() {
  for (const box of form.querySelectorAll("[data-type-panel]")) box.hidden = box.dataset.typePanel !== chosenType();
}

function readOptions(editor) {
  const options = [];
  for (const row of editor.querySelectorAll("tbody .option-row")) {
    const value = row.querySelector(".opt-value").value.trim();
    const label = {};
    for (const input of row.querySelectorAll(".opt-label")) if (input.value.trim()) label[input.dataset.locale] = input.value.trim();
    const color = row.querySelector(".opt-colour").value;
    if (!value && !Object.keys(label).length) continue;
    if (!Object.keys(label).length && !color) { options.push(value); continue; }
    const option = { value };
    if (Object.keys(label).length) option.label = label;
    if (color) option.color = color;
    options.push(option);
  }
  return options;
}

function readProperty(input) {
  const widget = input.dataset.widget;
  if (widget === "options") return readOptions(input);
  if (widget === "checkbox") return input.checked || undefined;
  const text = input.value.trim();
  if (text === "") return undefined;
  if (widget === "integer") return /^-?\d+$/.test(text) ? Number(text) : text;
  if (widget === "decimal") return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  return widget === "formula" ? input.value : text;
}

function fieldDocument(previous) {
  const type = chosenType();
  const doc = { name: form.elements.name.value.trim(), type };
  for (const key of ["label", "help"]) {
    const map = readLocaleMap(form, key);
    if (map) doc[key] = map;
  }
  for (const input of panel().querySelectorAll("[data-prop]")) {
    const value = readProperty(input);
    if (value !== undefined && !(Array.isArray(value) && !value.length)) doc[input.dataset.prop] = value;
  }
  for (const flag of ["required", "unique", "indexed"]) if (form.elements[flag].checked) doc[flag] = true;
  const formula = form.elements.default_formula.value.trim();
  if (formula) doc.default = { formula };
  else if (previous && previous.type === type && previous.default !== undefined && typeof previous.default !== "object") {
    doc.default = previous.default;  // a literal default, which this form does not edit, is kept
  }
  for (const [key, value] of Object.entries(previous || {})) {
    if (!COMMON.includes(key) && !(key in doc) && previous.type === type && !panel().querySelector(`[data-prop="${key}"]`)) doc[key] = value;
  }
  return doc;
}

function wireOptions(editor) {
  const body = editor.querySelector("tbody");
  editor.querySelector(".add-option").addEventListener("click", () => {
    const row = editor.querySelector("template.option-template").content.firstElementChild.cloneNode(true);
    body.append(row);
    row.querySelector(".opt-value").focus();
  });
  editor.addEventListener("click", (event) => {
    const button = event.target.closest(".remove-option");
    if (!button) return;
    const row = button.closest(".option-row");
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    (next ? next.querySelector(".opt-value") : editor.querySelector(".add-option")).focus();
  });
  editor.addEventListener("change", (event) => {
    if (!event.target.classList.contains("opt-colour")) return;
    const swatch = event.target.nextElementSibling;
    swatch.className = `swatch swatch-${event.target.value || "none"}`;
  });
}

// A formula's return type and a roll-up's child object tell the formula editor what to check against.
function wireFormulaContext() {
  for (const box of form.querySelectorAll("[data-type-panel]")) {
    const returns = box.querySelector('[data-prop="returns"]');
    const expression = box.querySelector('[data-prop="expression"]');
    if (returns && expression) returns.addEventListener("change", () => { expression.dataset.formulaType = returns.value; });
    const child = box.querySelector('[data-prop="child"]');
    const filter = box.querySelector('[data-prop="filter"]');
    if (child && filter) child.addEventListener("change", () => { filter.dataset.formulaObject = child.value; });
  }
}

for (const radio of form.querySelectorAll("input[name=type]")) radio.addEventListener("change", showPanel);
// A type chosen before this module ran (or restored by the browser on Back) shows its panel too.
showPanel();
for (const editor of form.querySelectorAll(".options-editor")) wireOptions(editor);
wireFormulaContext();

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form, alertBox);
  const messages = { invalid: form.dataset.msgInvalid, failed: form.dataset.msgFailed };
  const button = document.getElementById("save-field");
  button.disabled = true;
  try {
    const body = await loadDraft(form.dataset.api);
    const fields = body.fields || (body.fields = []);
    let index = fields.findIndex((f) => f.name === form.dataset.original);
    if (form.dataset.original === "" || index < 0) index = fields.length;
    fields[index] = fieldDocument(fields[index]);
    const answer = await saveDraft(form.dataset.api, body);
    if (answer.ok) { window.location.assign(form.dataset.done); return; }
    showErrors(form, alertBox, answer.data, `fields[${index}]`, messages);
  } catch (answer) {
    showErrors(form, alertBox, answer && answer.data, "", messages);
  } finally {
    button.disabled = false;
  }
});

// The objects designer: create an object, and on an object's page reorder and remove fields,
// change its settings and its validation rules. Each change saves the whole object document
// as a draft through the REST API, then the page is read again.
import { api } from "./api.js";
import { clearErrors, loadDraft, readLocaleMap, saveDraft, showErrors } from "./design_doc.js";

const FOCUS_KEY = "tessera.design.focus";

function messagesOf(element) {
  return { invalid: element.dataset.msgInvalid, failed: element.dataset.msgFailed };
}

function wireNewObject(form) {
  const alertBox = form.querySelector(".form-alert");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form, alertBox);
    const name = form.elements.name.value.trim();
    const title = form.elements.title_field.value.trim();
    const body = { name, fields: [] };
    for (const [key, en, zh] of [["label", "label_en", "label_zh"], ["plural_label", "plural_en", "plural_zh"]]) {
      const map = {};
      if (form.elements[en].value.trim()) map.en = form.elements[en].value.trim();
      if (form.elements[zh].value.trim()) map["zh-CN"] = form.elements[zh].value.trim();
      if (Object.keys(map).length) body[key] = map;
    }
    if (title) {
      body.title_field = title;
      body.fields.push({ name: title, type: "text", required: true, label: JSON.parse(form.dataset.titleLabel) });
    }
    const answer = await api("POST", form.dataset.api, body).catch(() => ({ ok: false, data: null }));
    if (answer.ok) { window.location.assign(form.dataset.done.replace("__name__", encodeURIComponent(name))); return; }
    const problem = answer.data || {};
    // The title field's own problems ("fields[0].name") belong to the title input.
    const errors = {};
    for (const [path, lines] of Object.entries(problem.errors || {})) errors[path.replace(/^fields\[0\]\.name$/, "title_field")] = lines;
    showErrors(form, alertBox, { ...problem, errors }, "", messagesOf(form));
  });
}

function wireObjectEditor(editor) {
  const alertBox = document.getElementById("object-alert");
  const url = editor.dataset.api;
  const messages = messagesOf(editor);

  async function change(mutate, root, prefix, focusId) {
    clearErrors(document, alertBox);
    let body;
    try { body = await loadDraft(url); } catch (answer) { showErrors(root, alertBox, answer.data, prefix, messages); return; }
    const mutated = mutate(body);
    const answer = await saveDraft(url, body);
    if (answer.ok) {
      if (focusId) sessionStorage.setItem(FOCUS_KEY, focusId);
      window.location.assign(editor.dataset.done);
      return;
    }
    showErrors(root, alertBox, answer.data, typeof prefix === "function" ? prefix(mutated) : prefix, messages);
  }

  for (const button of editor.querySelectorAll("button.move")) {
    button.addEventListener("click", () => change((body) => {
      const from = body.fields.findIndex((f) => f.name === button.dataset.field);
      const to = from + Number(button.dataset.move);
      if (from < 0 || to < 0 || to >= body.fields.length) return;
      const [moved] = body.fields.splice(from, 1);
      body.fields.splice(to, 0, moved);
    }, editor, "", `move:${button.dataset.field}:${button.dataset.move}`));
  }

  for (const button of editor.querySelectorAll("button.remove-field")) {
    button.addEventListener("click", () => {
      if (!window.confirm(button.dataset.confirm)) return;
      change((body) => { body.fields = body.fields.filter((f) => f.name !== button.dataset.field); }, editor, "");
    });
  }

  const settings = document.getElementById("object-settings");
  settings.addEventListener("submit", (event) => {
    event.preventDefault();
    change((body) => {
      for (const key of ["label", "plural_label"]) {
        const map = readLocaleMap(settings, key);
        if (map) body[key] = map; else delete body[key];
      }
      for (const key of ["title_field", "sharing"]) {
        const value = settings.elements[key].value;
        if (value) body[key] = value; else delete body[key];
      }
    }, settings, "");
  });

  for (const form of editor.querySelectorAll("form.rule-form")) {
    const existing = form.dataset.index === "" ? null : Number(form.dataset.index);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      change((body) => {
        const rules = body.validation_rules || (body.validation_rules = []);
        const rule = existing === null ? {} : { ...rules[existing] };
        rule.name = form.elements.name.value.trim();
        rule.error_when = form.elements.error_when.value;
        const field = form.elements.field.value;
        if (field) rule.field = field; else delete rule.field;
        const message = readLocaleMap(form, "message");
        if (message) rule.message = message; else delete rule.message;
        if (form.elements.active.checked) delete rule.active; else rule.active = false;
        const index = existing === null ? rules.length : existing;
        rules[index] = rule;
        return index;
      }, form, (index) => `validation_rules[${index}]`);
    });
    const remove = form.querySelector("button.remove-rule");
    if (remove) remove.addEventListener("click", () => {
      if (!window.confirm(remove.dataset.confirm)) return;
      change((body) => { body.validation_rules.splice(existing, 1); if (!body.validation_rules.length) delete body.validation_rules; }, form, "");
    });
  }

  const del = document.getElementById("delete-object");
  del.addEventListener("click", async () => {
    if (!window.confirm(del.dataset.confirm)) return;
    const answer = await api("DELETE", del.dataset.api).catch(() => ({ ok: false, data: null }));
    if (answer.ok) { window.location.assign(del.dataset.done); return; }
    showErrors(editor, alertBox, answer.data, "", messages);
  });

  const focus = sessionStorage.getItem(FOCUS_KEY);
  if (focus) {
    sessionStorage.removeItem(FOCUS_KEY);
    const [, field, step] = focus.split(":");
    const target = editor.querySelector(`button.move[data-field="${CSS.escape(field)}"][data-move="${step}"]`);
    const fallback = editor.querySelector(`button.move[data-field="${CSS.escape(field)}"]:not([disabled])`);
    (target && !target.disabled ? target : fallback || document.getElementById("design-fields")).focus();
  }
}

const newObject = document.getElementById("new-object");
if (newObject) wireNewObject(newObject);
const editor = document.getElementById("object-editor");
if (editor) wireObjectEditor(editor);

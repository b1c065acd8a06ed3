// The layout designer: the list page's "create" form, and the editor, which turns the page
// (palette, sections, related lists, assignment) into a layout document, saves it as a draft
// through the metadata API, publishes, and shows each problem next to what it is about.
import { api } from "./api.js";
import { createMoves } from "./layout_moves.js";
import { renderPreview } from "./layout_preview.js";

const editor = document.getElementById("layout-editor");
const creator = document.getElementById("layout-create");
const alertBox = document.getElementById("layout-alert") || document.getElementById("create-alert");
const statusLine = document.getElementById("layout-status");

function say(lines) {
  alertBox.replaceChildren(...lines.map((text) => Object.assign(document.createElement("p"), { textContent: text })));
  alertBox.hidden = false;
  alertBox.focus();
}

function clearProblems(root) {
  alertBox.hidden = true;
  if (statusLine) statusLine.hidden = true;
  for (const slot of root.querySelectorAll(".field-error")) { slot.hidden = true; slot.textContent = ""; }
  for (const box of root.querySelectorAll(".invalid")) box.classList.remove("invalid");
}

function localeMap(en, zh) {
  const map = {};
  if (en.value.trim()) map.en = en.value.trim();
  if (zh.value.trim()) map["zh-CN"] = zh.value.trim();
  return Object.keys(map).length ? map : undefined;
}

const words = (text) => text.split(",").map((w) => w.trim()).filter(Boolean);

function entryOf(item) {
  const entry = { field: item.dataset.field };
  if (item.querySelector(".opt-read-only").checked) entry.read_only = true;
  if (item.querySelector(".opt-required").checked) entry.required = true;
  const when = item.querySelector(".opt-visible-when").value.trim();
  if (when) entry.visible_when = when;
  return entry;
}

function sectionOf(box, index) {
  box.dataset.path = `sections[${index}]`;
  const items = [...box.querySelectorAll(".layout-item")];
  items.forEach((item, position) => { item.dataset.path = `sections[${index}].fields[${position}]`; });
  const section = { columns: Number(box.querySelector(".sec-columns").value), fields: items.map(entryOf) };
  const label = localeMap(box.querySelector(".sec-label-en"), box.querySelector(".sec-label-zh"));
  return label ? { label, ...section } : section;
}

function relatedOf(row, index) {
  row.dataset.path = `related_lists[${index}]`;
  const [object, via] = row.querySelector(".rel-source").value.split(".");
  const related = { object, via, columns: words(row.querySelector(".rel-columns").value) };
  const label = localeMap(row.querySelector(".rel-label-en"), row.querySelector(".rel-label-zh"));
  return label ? { ...related, label } : related;
}

function documentOf() {
  const doc = { kind: "layout", name: editor.dataset.name, object: editor.dataset.object };
  const label = localeMap(document.getElementById("layout-label-en"), document.getElementById("layout-label-zh"));
  if (label) doc.label = label;
  doc.default = document.getElementById("layout-default").checked;
  const sets = [...editor.querySelectorAll("#layout-sets input:checked")].map((box) => box.value);
  doc.assigned_to = { roles: words(document.getElementById("layout-roles").value), permission_sets: sets };
  doc.sections = [...editor.querySelectorAll("#sections .design-section")].map(sectionOf);
  doc.related_lists = [...editor.querySelectorAll("#related-rows .related-row")].map(relatedOf);
  return doc;
}

function slotFor(path) {
  let best = null;
  for (const box of editor.querySelectorAll("[data-path]")) {
    const own = box.dataset.path;
    if (path === own || path.startsWith(`${own}.`) || path.startsWith(`${own}[`)) {
      if (!best || own.length > best.dataset.path.length) best = box;
    }
  }
  if (best) return best.querySelector(":scope > .field-error");
  return ["label", "default", "assigned_to", "object", "name"].some((p) => path.startsWith(p))
    ? document.getElementById("settings-error") : null;
}

function showProblems(problem) {
  statusLine.hidden = true;
  const stray = [];
  const prefix = `layout/${editor.dataset.name}:`;
  for (const [key, messages] of Object.entries(problem.errors || {})) {
    const slot = key.startsWith(prefix) || !key.includes(":") ? slotFor(key.replace(prefix, "")) : null;
    if (!slot) { stray.push(`${key}: ${messages.join(" ")}`); continue; }
    slot.textContent = [slot.textContent, ...messages].filter(Boolean).join(" ");
    slot.hidden = false;
    slot.parentElement.classList.add("invalid");
  }
  say([problem.detail || editor.dataset.msgFailed, ...stray]);
}

function done(message) {
  statusLine.textContent = message;
  statusLine.hidden = false;
}

async function save() {
  clearProblems(editor);
  const result = await api("PUT", editor.dataset.api, documentOf());
  if (!result.ok) showProblems(result.data || {});
  else done(editor.dataset.msgSaved.replace("{version}", result.data.version));
  return result.ok;
}

async function publish() {
  if (!(await save())) return;
  done(editor.dataset.msgPublishing);
  const result = await api("POST", editor.dataset.publish, {});
  if (result.ok) done(editor.dataset.msgPublished.replace("{revision}", (result.data && result.data.revision) || ""));
  else showProblems(result.data || {});
}

function placeName(item) {
  const section = item.closest(".design-section");
  if (!section) return editor.dataset.msgPalette;
  return section.querySelector(".section-title").textContent;
}

function describe(item) {
  const zone = item.parentElement;
  return editor.dataset.msgMoved
    .replace("{field}", item.querySelector(".item-label").textContent)
    .replace("{place}", placeName(item))
    .replace("{position}", [...zone.children].indexOf(item) + 1)
    .replace("{count}", zone.children.length);
}

function sourceLabel(related) {
  const options = document.getElementById("related-template").content.querySelectorAll(".rel-source option");
  const found = [...options].find((o) => o.value === `${related.object}.${related.via}`);
  return found ? found.textContent : related.object;
}

function describeSection(section) {
  const all = [...section.parentElement.children];
  return editor.dataset.msgSectionMoved
    .replace("{section}", section.querySelector(".section-title").textContent)
    .replace("{position}", all.indexOf(section) + 1)
    .replace("{count}", all.length);
}

function startEditor() {
  const live = document.getElementById("layout-live");
  const preview = document.getElementById("layout-preview");
  const msgs = { untitled: editor.dataset.msgUntitled, readOnly: editor.dataset.msgReadOnly,
    shownWhen: editor.dataset.msgShownWhen, empty: editor.dataset.msgEmpty, sourceLabel };
  const refresh = () => renderPreview(preview, documentOf(), msgs);
  const announce = (text) => { live.textContent = text; };
  createMoves(editor, { onChange: refresh, announce, describe, describeSection });
  editor.addEventListener("input", (event) => {
    const section = event.target.closest(".design-section");
    if (section && event.target.matches(".sec-label-en, .sec-label-zh")) {
      const lang = document.documentElement.lang === "zh-CN" ? ".sec-label-zh" : ".sec-label-en";
      section.querySelector(".section-title").textContent = section.querySelector(lang).value || editor.dataset.msgUntitled;
    }
    refresh();
  });
  editor.addEventListener("change", refresh);
  editor.addEventListener("click", (event) => sectionTools(event, refresh, announce));
  editor.addEventListener("submit", (event) => { event.preventDefault(); save(); });
  document.getElementById("layout-publish").addEventListener("click", publish);
  document.getElementById("layout-delete").addEventListener("click", remove);
  refresh();
}

function sectionTools(event, refresh, announce) {
  const button = event.target.closest("button");
  if (!button) return;
  const section = button.closest(".design-section");
  if (button.id === "add-section") {
    document.getElementById("sections").append(document.getElementById("section-template").content.cloneNode(true));
    document.querySelector("#sections .design-section:last-child .sec-label-en").focus();
  } else if (button.id === "add-related") {
    document.getElementById("related-rows").append(document.getElementById("related-template").content.cloneNode(true));
  } else if (button.classList.contains("rel-remove")) {
    button.closest(".related-row").remove();
  } else if (section && button.classList.contains("sec-up") && section.previousElementSibling) {
    section.parentElement.insertBefore(section, section.previousElementSibling);
    button.focus();
    announce(describeSection(section));
  } else if (section && button.classList.contains("sec-down") && section.nextElementSibling) {
    section.parentElement.insertBefore(section.nextElementSibling, section);
    button.focus();
    announce(describeSection(section));
  } else if (section && button.classList.contains("sec-remove")) {
    document.getElementById("palette").append(...section.querySelectorAll(".layout-item"));
    section.remove();
  } else return;
  refresh();
}

async function remove() {
  if (!window.confirm(editor.dataset.msgConfirmDelete)) return;
  const result = await api("DELETE", document.getElementById("layout-delete").dataset.api);
  if (result.ok) window.location.assign(editor.dataset.list);
  else showProblems(result.data || {});
}

function startCreator() {
  creator.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearProblems(creator);
    const name = creator.elements.name.value.trim();
    const doc = { kind: "layout", name, object: creator.elements.object.value, label: { en: name },
      sections: [{ label: { en: creator.dataset.sectionEn, "zh-CN": creator.dataset.sectionZh }, columns: 2, fields: [] }] };
    const result = await api("POST", creator.dataset.api, doc);
    if (result.ok) { window.location.assign(creator.dataset.edit + encodeURIComponent(name)); return; }
    const problem = result.data || {};
    const stray = [];
    for (const [key, messages] of Object.entries(problem.errors || {})) {
      const slot = document.getElementById(`err-${key}`);
      if (!slot) { stray.push(messages.join(" ")); continue; }
      slot.textContent = messages.join(" ");
      slot.hidden = false;
      slot.parentElement.classList.add("invalid");
    }
    say([problem.detail || creator.dataset.msgFailed, ...stray]);
  });
}

if (editor) startEditor();
if (creator) startCreator();

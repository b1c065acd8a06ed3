// The live preview of a form layout: the sections as the record page will show them, with
// the values of a sample record (the object's most recent one), rebuilt on every change.

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function pick(labels, fallback) {
  const lang = document.documentElement.lang || "en";
  return (labels && (labels[lang] || labels.en)) || fallback;
}

function fieldRow(entry, names, sample, msgs) {
  const row = el("div", "field-row");
  const label = names[entry.field] || entry.field;
  row.append(el("dt", "", entry.required ? `${label} *` : label));
  const value = el("dd", "", sample[entry.field] || "—");
  if (entry.read_only) value.append(el("span", "muted small", ` · ${msgs.readOnly}`));
  if (entry.visible_when) value.append(el("span", "muted small preview-when", ` · ${msgs.shownWhen} ${entry.visible_when}`));
  row.append(value);
  return row;
}

export function renderPreview(box, doc, msgs) {
  const sample = JSON.parse(box.dataset.sample || "{}");
  const labels = JSON.parse(box.dataset.labels || "[]");
  const names = Object.fromEntries(JSON.parse(box.dataset.names || "[]").map((n, i) => [n, labels[i]]));
  const parts = [];
  for (const section of doc.sections) {
    const part = el("section", "preview-section");
    part.append(el("h3", "", pick(section.label, msgs.untitled)));
    const list = el("dl", section.columns === 2 ? "fields" : "fields layout-one");
    for (const entry of section.fields) list.append(fieldRow(entry, names, sample, msgs));
    part.append(section.fields.length ? list : el("p", "muted", msgs.empty));
    parts.push(part);
  }
  for (const related of doc.related_lists || []) {
    const part = el("section", "preview-section");
    part.append(el("h3", "", pick(related.label, msgs.sourceLabel(related))));
    part.append(el("p", "muted small", (related.columns || []).join(" · ")));
    parts.push(part);
  }
  box.replaceChildren(...parts);
}

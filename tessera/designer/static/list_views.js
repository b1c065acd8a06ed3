// The list page's views: "save as my view" stores the columns, filter and sort on the page as
// a personal view (POST .../list-views) and opens it; "delete my view" removes the one shown.
import { api } from "./api.js";
import { hideAlert, problemLines, showAlert, wireClose } from "./dialog.js";

const tools = document.getElementById("view-actions");

export function sortKeys(text) {
  return (text || "").split(",").map((part) => part.trim()).filter(Boolean)
    .map((part) => ({ field: part.replace(/^-/, ""), direction: part.startsWith("-") ? "desc" : "asc" }));
}

function viewBody(label, isDefault) {
  const data = tools.dataset;
  const body = { label: { [data.locale]: label }, columns: data.columns.split(",").filter(Boolean),
                 sort: sortKeys(data.sort), default: isDefault };
  if (data.filter.trim()) body.filter = data.filter;
  return body;
}

function open(url) {
  window.location.assign(url);
}

function wireSave() {
  const dialog = document.getElementById("view-save-dialog");
  const form = document.getElementById("view-save-form");
  const alertBox = document.getElementById("view-save-alert");
  const opener = document.getElementById("view-save-open");
  opener.addEventListener("click", () => { hideAlert(alertBox); dialog.showModal(); form.elements.label.focus(); });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    hideAlert(alertBox);
    const body = viewBody(form.elements.label.value.trim(), form.elements.default.checked);
    const result = await api("POST", tools.dataset.api, body).catch(() => ({ ok: false, data: null }));
    if (!result.ok) { showAlert(alertBox, problemLines(result.data, tools.dataset.msgFailed)); return; }
    open(`${tools.dataset.listUrl}?view=${encodeURIComponent(result.data.id)}`);
  });
  wireClose(dialog);
  dialog.addEventListener("close", () => opener.focus());
}

function wireDelete() {
  const button = document.getElementById("view-delete");
  if (!button) return;
  button.addEventListener("click", async () => {
    if (!window.confirm(tools.dataset.msgConfirmDelete)) return;
    const result = await api("DELETE", `${tools.dataset.api}/${button.dataset.view}`).catch(() => ({ ok: false }));
    if (result.ok) open(tools.dataset.listUrl);
    else window.alert(problemLines(result.data, tools.dataset.msgFailed).join("\n"));
  });
}

if (tools) {
  wireSave();
  wireDelete();
}

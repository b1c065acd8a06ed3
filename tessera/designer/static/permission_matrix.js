// The permission-set matrix: object rights and field-level security become the draft's
// "objects" (each field listed only where it differs from the object's field default), saved
// with PUT /api/v1/metadata/permission_set/<name> through people_admin_forms.js.
import { collect, wireForm } from "./people_admin_forms.js";

const RIGHTS = ["create", "read", "edit", "delete", "view_all", "modify_all"];
const form = document.getElementById("set-form");

function defaultAccess(fieldDefault) {
  return { read: fieldDefault !== "none", edit: fieldDefault === "edit" };
}

function objectEntry(group) {
  const entry = {};
  for (const box of group.querySelectorAll("input.right")) if (box.checked) entry[box.dataset.right] = true;
  const fieldDefault = group.querySelector("select.field-default").value;
  const assumed = defaultAccess(fieldDefault);
  const fields = {};
  for (const row of group.querySelectorAll("tr[data-field-name]")) {
    const read = row.querySelector(".fls-read").checked;
    const edit = row.querySelector(".fls-edit").checked && read;
    if (read !== assumed.read || edit !== assumed.edit) fields[row.dataset.fieldName] = { read, edit };
  }
  if (fieldDefault !== "edit") entry.field_default = fieldDefault;
  if (Object.keys(fields).length) entry.fields = fields;
  return RIGHTS.some((right) => entry[right]) || entry.fields || entry.field_default ? entry : null;
}

function build(target) {
  const body = collect(target);
  const objects = {};
  for (const group of target.querySelectorAll("tbody.matrix-object")) {
    const entry = objectEntry(group);
    if (entry) objects[group.dataset.object] = entry;
  }
  body.objects = objects;
  for (const flag of ["is_admin", "manage_performance"]) if (!body[flag]) delete body[flag];
  return body;
}

// Editing implies reading, and taking reading away takes editing too.
form.addEventListener("change", (event) => {
  const row = event.target.closest("tr[data-field-name]");
  if (!row) return;
  if (event.target.classList.contains("fls-edit") && event.target.checked) row.querySelector(".fls-read").checked = true;
  if (event.target.classList.contains("fls-read") && !event.target.checked) row.querySelector(".fls-edit").checked = false;
});

wireForm(form, { build });

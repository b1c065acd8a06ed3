// The KPI editor: shows the parts of a measured or a ratio KPI and of owner or split credit,
// points the field suggestions and formula inputs at the chosen object, and saves the draft.
import { clearProblems, localeMap, numberOrText, saveDraft, setPath } from "./design_form.js";

const form = document.getElementById("kpi-form");
const objectSelect = document.getElementById("k-object");
const splitSelect = document.getElementById("k-split-object");

function checked(name) {
  return form.querySelector(`input[name="${name}"]:checked`).value;
}

function showParts() {
  const ratio = checked("kpi-kind") === "ratio";
  document.getElementById("measured-part").hidden = ratio;
  document.getElementById("ratio-part").hidden = !ratio;
  const split = checked("credit-kind") === "split";
  document.getElementById("credit-user-part").hidden = split;
  document.getElementById("credit-split-part").hidden = !split;
}

function pointAtObjects() {
  const object = objectSelect.value;
  for (const input of form.querySelectorAll("[data-list]")) input.setAttribute("list", `dl-${input.dataset.list}-${object}`);
  for (const area of form.querySelectorAll("textarea[data-formula]")) area.dataset.formulaObject = object;
  for (const input of form.querySelectorAll("[data-split-list]")) {
    input.setAttribute("list", `dl-${input.dataset.splitList}-${splitSelect.value}`);
  }
}

function value(id) {
  const input = document.getElementById(id);
  return input ? input.value.trim() : "";
}

function credit() {
  if (checked("credit-kind") === "user_field") return { user_field: value("k-user_field") };
  const split = {};
  for (const part of ["object", "parent", "user", "percent"]) split[part] = value(`k-split-${part}`);
  return { split };
}

function documentBody() {
  const body = {};
  const name = value("k-name");
  if (name) body.name = name;
  for (const path of ["label", "description"]) {
    const map = localeMap(form, path);
    if (map) body[path] = map;
  }
  if (checked("kpi-kind") === "ratio") {
    if (value("k-formula")) body.formula = value("k-formula");
  } else {
    for (const key of ["object", "measure", "filter", "date_field"]) if (value(`k-${key}`)) body[key] = value(`k-${key}`);
    setPath(body, "credit", credit());
  }
  for (const key of ["direction", "category", "unit"]) body[key] = value(`k-${key}`);
  if (value("k-scale")) body.scale = numberOrText(value("k-scale"));
  return body;
}

for (const radio of form.querySelectorAll("input[type=radio]")) radio.addEventListener("change", showParts);
objectSelect.addEventListener("change", pointAtObjects);
splitSelect.addEventListener("change", pointAtObjects);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearProblems(form);
  saveDraft(form, documentBody());
});
showParts();

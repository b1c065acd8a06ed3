// Fields of a form layout shown only when their `visible_when` formula holds: the server
// decided the first render; on each change the formulas are evaluated again by the API
// (POST /api/v1/formula/evaluate) on the values in the form. Hiding is a convenience, not
// security: the API's field-level security decides what a reader may see and write.
import { api } from "./api.js";
import { percentToFraction } from "./form.js";

const form = document.getElementById("record-form");
const EVALUATE = "/api/v1/formula/evaluate";
let timer = null;
let round = 0;

function valueOf(box) {
  const input = box.querySelector("input, select, textarea");
  if (!input) return undefined;
  if (input.type === "checkbox") return input.checked;
  if (input.multiple) return [...input.selectedOptions].map((o) => o.value);
  const text = input.value.trim();
  if (text === "") return undefined;
  if (box.dataset.type === "percent") return percentToFraction(text);
  if (input.inputMode === "numeric") return /^\d+$/.test(text) ? Number(text) : undefined;
  return input.value;
}

function formValues() {
  const values = {};
  for (const box of form.querySelectorAll(".field[data-field]")) {
    const value = valueOf(box);
    if (value !== undefined) values[box.dataset.field] = value;
  }
  return values;
}

async function evaluate(box, record, mine) {
  const body = { object: form.dataset.object, expression: box.dataset.visibleWhen, context: "filter", record };
  const result = await api("POST", EVALUATE, body);
  // A value the API cannot load (a number half typed) leaves the field as it was.
  if (mine !== round || !result.ok) return;
  box.hidden = result.data.value !== true;
}

function refresh() {
  round += 1;
  const record = formValues();
  for (const box of form.querySelectorAll(".field[data-visible-when]")) evaluate(box, record, round);
}

if (form) {
  form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(refresh, 150); });
}

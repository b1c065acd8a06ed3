// The scheme editor: items added and removed, the weights' total shown live (flagged unless
// it is exactly 100 %: the API refuses a draft whose weights do not total 1), people picked
// by role, team or name, and the draft saved with each problem under its input.
import { clearProblems, localeMap, numberOrText, percentToFraction, saveDraft } from "./design_form.js";

const form = document.getElementById("scheme-form");
const rows = document.getElementById("items");
const template = document.getElementById("item-template");
const total = document.getElementById("weight-total");
const SCALE = 6; // decimals kept when adding per cents exactly (as integers)

function scaled(text) {
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (!match[1] && !match[2]) || (match[2] || "").length > SCALE) return null;
  return BigInt((match[1] || "0") + (match[2] || "").padEnd(SCALE, "0"));
}

function unscaled(value) {
  const digits = value.toString().padStart(SCALE + 1, "0");
  const text = `${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`;
  return text.replace(/\.?0+$/, "");
}

function showTotal() {
  let sum = 0n;
  let readable = true;
  for (const input of rows.querySelectorAll("input.weight")) {
    if (!input.value.trim()) continue;
    const value = scaled(input.value);
    if (value === null) readable = false; else sum += value;
  }
  const text = readable ? unscaled(sum) : "?";
  const off = !readable || sum !== 100n * 10n ** BigInt(SCALE);
  total.querySelector(".sum").textContent = total.dataset.msgTotal.replace("{total}", text);
  total.querySelector(".total-flag").textContent = off ? total.dataset.msgOff : "";
  total.classList.toggle("flagged", off);
  total.classList.toggle("complete", !off);
}

// Each row's remove button names the KPI it removes (screen readers hear "Remove Revenue").
function nameRemoveButtons() {
  for (const row of rows.querySelectorAll("tr.scheme-item")) {
    const select = row.querySelector("[name=kpi]");
    const kpi = select.value ? select.selectedOptions[0].textContent : "";
    row.querySelector(".remove-item").setAttribute("aria-label", rows.dataset.msgRemove.replace("{kpi}", kpi).trim());
  }
}

function addRow() {
  rows.append(template.content.cloneNode(true));
  const row = rows.lastElementChild;
  row.querySelector("select").focus();
  nameRemoveButtons();
  showTotal();
}

function optional(row, name, percent) {
  const text = row.querySelector(`[name="${name}"]`).value.trim();
  if (!text) return undefined;
  if (!percent) return numberOrText(text);
  const fraction = percentToFraction(text);
  return fraction === null ? text : Number(fraction);
}

function item(row) {
  const weightText = row.querySelector("[name=weight]").value.trim();
  const weight = percentToFraction(weightText);
  const found = { kpi: row.querySelector("[name=kpi]").value, weight: weight === null ? weightText : Number(weight) };
  const scoring = {};
  const gate = optional(row, "gate", true);
  if (gate !== undefined) scoring.gate = gate;
  for (const name of ["floor", "cap", "above_target_slope"]) {
    const value = optional(row, name, false);
    if (value !== undefined) scoring[name] = value;
  }
  if (Object.keys(scoring).length) found.scoring = scoring;
  return found;
}

function picked(name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => (name === "users" ? Number(box.value) : box.value));
}

function documentBody() {
  const body = {};
  const nameInput = document.getElementById("s-name");
  if (nameInput && nameInput.value.trim()) body.name = nameInput.value.trim();
  for (const path of ["label", "description"]) {
    const map = localeMap(form, path);
    if (map) body[path] = map;
  }
  for (const key of ["period_type", "missing_target", "proration", "leaderboard"]) body[key] = form.elements[key].value;
  body.effective_from = document.getElementById("s-effective_from").value.trim();
  body.effective_to = document.getElementById("s-effective_to").value.trim() || null;
  body.applies_to = { roles: picked("roles"), teams: picked("teams"), users: picked("users") };
  body.items = [...rows.querySelectorAll("tr.scheme-item")].map(item);
  return body;
}

// "items[2].scoring.floor" -> the floor input's box of the third row.
function locate(path) {
  const match = /^items\[(\d+)\](?:\.(.+))?$/.exec(path);
  if (!match) return path === "items" ? document.getElementById("items-part") : null;
  const row = rows.querySelectorAll("tr.scheme-item")[Number(match[1])];
  if (!row) return null;
  return row.querySelector(`[data-item-field="${match[2] || "kpi"}"]`) || row.querySelector("[data-item-field=kpi]");
}

rows.addEventListener("input", showTotal);
rows.addEventListener("change", nameRemoveButtons);
rows.addEventListener("click", (event) => {
  const button = event.target.closest(".remove-item");
  if (!button) return;
  const row = button.closest("tr");
  const next = row.nextElementSibling || row.previousElementSibling;
  row.remove();
  showTotal();
  (next ? next.querySelector("select") : document.getElementById("add-item")).focus();
});
document.getElementById("add-item").addEventListener("click", addRow);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearProblems(form);
  saveDraft(form, documentBody(), locate);
});
showTotal();
nameRemoveButtons();

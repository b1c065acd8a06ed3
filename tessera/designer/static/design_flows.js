// The approval flow editor: steps added, removed and moved (buttons, or Alt+Arrow keys on a
// step), approvers and actions of every kind, and the draft saved through the REST API with
// its problems shown next to their inputs. After a save, the checks a publish would run are
// asked of the plan, and this flow's problems are shown the same way.
import { api } from "./api.js";
import { fillPickers } from "./directory_pickers.js";
import { readFlow, InputProblem } from "./flow_document.js";
import { clearProblems, showProblems } from "./flow_problems.js";

const form = document.getElementById("flow-form");
const steps = document.getElementById("steps");
const alertBox = document.getElementById("flow-alert");
const saved = document.getElementById("flow-saved");
const msg = form.dataset;

function clone(id) { return document.getElementById(id).content.firstElementChild.cloneNode(true); }

function showKind(row, selector) {
  const kind = row.querySelector(selector).value;
  for (const panel of row.querySelectorAll(":scope > [data-kind]")) panel.hidden = panel.dataset.kind !== kind;
}

// The share or count of a quorum is asked only when the decision is a quorum.
function showDecision(card) {
  const mode = card.querySelector(".decision-mode select").value;
  card.querySelector(".decision-amount").hidden = mode !== "ratio" && mode !== "count";
}

function uniqueStepName() {
  const taken = new Set([...steps.querySelectorAll("[data-k=name]")].map((i) => i.value));
  let n = steps.children.length + 1;
  while (taken.has(`step_${n}`)) n++;
  return `step_${n}`;
}

function announce(text) {
  saved.textContent = text;
  saved.hidden = false;
}

function move(card, offset) {
  const target = offset < 0 ? card.previousElementSibling : card.nextElementSibling;
  if (!target) return;
  if (offset < 0) target.before(card); else target.after(card);
  const button = card.querySelector(offset < 0 ? ".step-up" : ".step-down");
  button.focus();
  announce(msg.msgMoved.replace("{step}", card.querySelector("[data-k=name]").value)
    .replace("{position}", String([...steps.children].indexOf(card) + 1)));
}

function addStep() {
  const card = clone("tpl-step");
  const name = uniqueStepName();
  card.querySelector("[data-k=name]").value = name;
  card.querySelector(".step-heading").textContent = name;
  steps.append(card);
  showDecision(card);
  fillPickers(form, card);
  card.querySelector("[data-k=name]").focus();
}

function addRow(button, template, listSelector) {
  const row = clone(template);
  button.parentElement.querySelector(listSelector).append(row);
  fillPickers(form, row);
  row.querySelector("select").focus();
}

const CLICKS = {
  "#add-step": () => addStep(),
  ".step-up": (b) => move(b.closest(".step-card"), -1),
  ".step-down": (b) => move(b.closest(".step-card"), 1),
  ".step-remove": (b) => { b.closest(".step-card").remove(); document.getElementById("add-step").focus(); },
  ".add-approver": (b) => addRow(b, "tpl-approver", ".approver-list"),
  ".remove-approver": (b) => { const list = b.closest("fieldset"); b.closest(".approver").remove(); list.querySelector(".add-approver").focus(); },
  ".add-action": (b) => addRow(b, "tpl-action", ".flow-action-list"),
  ".remove-action": (b) => { const list = b.closest("fieldset"); b.closest(".action").remove(); list.querySelector(".add-action").focus(); },
};

form.addEventListener("click", (event) => {
  for (const [selector, run] of Object.entries(CLICKS)) {
    const button = event.target.closest(selector);
    if (button && form.contains(button)) { run(button); return; }
  }
});

form.addEventListener("change", (event) => {
  if (event.target.matches(".approver-kind select")) showKind(event.target.closest(".approver"), ".approver-kind select");
  if (event.target.matches(".action-kind select")) showKind(event.target.closest(".action"), ".action-kind select");
  if (event.target.matches(".decision-mode select")) showDecision(event.target.closest(".step-card"));
});

form.addEventListener("input", (event) => {
  if (!event.target.matches("[data-k=name], [data-k^='label.']")) return;
  const card = event.target.closest(".step-card");
  if (!card) return;
  const mine = card.querySelector(`[data-k='label.${document.documentElement.lang}']`);
  const label = (mine && mine.value.trim()) || card.querySelector("[data-k='label.en']").value.trim();
  card.querySelector(".step-heading").textContent = label || card.querySelector("[data-k=name]").value;
});

steps.addEventListener("keydown", (event) => {
  if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
  const card = event.target.closest(".step-card");
  if (!card) return;
  event.preventDefault();
  move(card, event.key === "ArrowUp" ? -1 : 1);
});

function ownProblems(problem) {
  const prefix = `approval_flow/${form.dataset.name}:`;
  const mine = {};
  for (const [key, messages] of Object.entries((problem && problem.errors) || {})) {
    if (key.startsWith(prefix)) mine[key.slice(prefix.length)] = messages;
  }
  return mine;
}

async function checkPublish() {
  const plan = await api("GET", form.dataset.plan);
  const mine = plan.ok ? {} : ownProblems(plan.data);
  if (Object.keys(mine).length) showProblems(form, alertBox, msg.msgPublishProblems, mine);
}

async function save(event) {
  event.preventDefault();
  clearProblems(form, alertBox);
  saved.hidden = true;
  let doc;
  try {
    doc = readFlow(form);
  } catch (error) {
    if (!(error instanceof InputProblem)) throw error;
    showProblems(form, alertBox, msg.msgFailed, { [error.element.dataset.path]: [error.code === "json" ? msg.msgJson : msg.msgNumber] });
    return;
  }
  const button = document.getElementById("save-flow");
  button.disabled = true;
  try {
    const answer = await api("PUT", form.dataset.api, doc);
    if (!answer.ok) {
      showProblems(form, alertBox, (answer.data && answer.data.detail) || msg.msgFailed, (answer.data && answer.data.errors) || {});
      return;
    }
    announce(msg.msgSaved.replace("{version}", String(answer.data.version)));
    if (form.dataset.changes) {
      const link = Object.assign(document.createElement("a"), { href: form.dataset.changes, textContent: msg.msgChanges });
      saved.append(" ", link);
    }
    await checkPublish();
  } finally {
    button.disabled = false;
  }
}

form.addEventListener("submit", save);
for (const card of steps.children) showDecision(card);
fillPickers(form, form);

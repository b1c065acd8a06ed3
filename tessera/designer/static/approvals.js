// Approval decisions from the inbox and the record page: each button opens the dialog
// (a comment, and a person for a reassignment, chosen in the people picker), which sends the decision to the REST API;
// the API's problems are shown in the dialog, and on success the page shows the new state.
import { api } from "./api.js";
import { hideAlert, problemLines, showAlert, wireClose } from "./dialog.js";
import { enhance } from "./people_picker.js";

const dialog = document.getElementById("approval-dialog");
const form = document.getElementById("approval-form");
const alertBox = document.getElementById("approval-alert");
const userField = document.getElementById("approval-user-field");
const userInput = document.getElementById("approval-user");
const userId = document.getElementById("approval-user-id");
const picker = enhance(userInput);
const comment = document.getElementById("approval-comment");
const confirm = document.getElementById("approval-confirm");
let current = null;
let key = null;

// One key per opened dialog: a repeated click or a retried request changes nothing twice.
function idempotencyKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

function open(button) {
  current = button;
  key = idempotencyKey();
  hideAlert(alertBox);
  document.getElementById("approval-dialog-title").textContent = button.dataset.title;
  confirm.textContent = button.dataset.confirm;
  userField.hidden = button.dataset.approval !== "reassign";
  picker.reset();
  comment.value = "";
  dialog.showModal();
  (userField.hidden ? comment : userInput).focus();
}

function body() {
  const payload = {};
  if (comment.value.trim()) payload.comment = comment.value.trim();
  if (current.dataset.approval === "reassign") {
    // the person chosen in the picker; else what was typed, as a user number or username
    const text = userId.value || userInput.value.trim();
    payload.user = /^\d+$/.test(text) ? Number(text) : text;
  }
  return payload;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  hideAlert(alertBox);
  confirm.disabled = true;
  try {
    const result = await api("POST", current.dataset.api, body(), { "Idempotency-Key": key });
    if (result.ok) { window.location.assign(current.dataset.done); return; }
    showAlert(alertBox, problemLines(result.data, dialog.dataset.msgFailed));
  } catch {
    showAlert(alertBox, [dialog.dataset.msgFailed]);
  } finally {
    confirm.disabled = false;
  }
});

for (const button of document.querySelectorAll("[data-approval]")) {
  button.addEventListener("click", () => open(button));
}
wireClose(dialog);
dialog.addEventListener("close", () => { if (current) current.focus(); });

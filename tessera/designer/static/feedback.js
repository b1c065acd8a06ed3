// The feedback dialog of every page: a pain point or an idea, sent to /api/v1/feedback with
// the page it was written on; then a thank-you with the way to "my feedback".
import { api } from "./api.js";
import { hideAlert, problemLines, showAlert, wireClose } from "./dialog.js";

const dialog = document.getElementById("feedback-dialog");

function wireFeedback() {
  if (!dialog) return;
  const form = document.getElementById("feedback-form");
  const done = document.getElementById("feedback-done");
  const alertBox = document.getElementById("feedback-alert");
  const text = document.getElementById("feedback-text");
  let opener = null;
  const open = (button) => {
    opener = button;
    form.hidden = false;
    done.hidden = true;
    hideAlert(alertBox);
    dialog.showModal();
    text.focus();
  };
  for (const button of document.querySelectorAll("#feedback-open, [data-feedback-open]")) {
    button.addEventListener("click", () => open(button));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    hideAlert(alertBox);
    const body = { kind: form.elements.kind.value, text: text.value, page: (window.location.pathname + window.location.search).slice(0, 500) };
    const result = await api("POST", dialog.dataset.api, body).catch(() => ({ ok: false, data: null }));
    if (!result.ok) { showAlert(alertBox, problemLines(result.data, dialog.dataset.msgFailed)); return; }
    text.value = "";
    form.hidden = true;
    done.hidden = false;
    done.querySelector("[data-close]").focus();
  });
  wireClose(dialog);
  dialog.addEventListener("close", () => { if (opener) opener.focus(); });
}

wireFeedback();

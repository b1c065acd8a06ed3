// Triage of feedback (administrators): each entry's status and note are saved through
// PATCH /api/v1/feedback/<id>; the result is announced next to the form.
import { api } from "./api.js";
import { problemLines } from "./dialog.js";

for (const form of document.querySelectorAll(".triage-form")) {
  const result = form.querySelector(".triage-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = form.elements.note.value.trim();
    const body = { status: form.elements.status.value, note: note || null };
    const answer = await api("PATCH", form.dataset.api, body).catch(() => ({ ok: false, data: null }));
    result.classList.toggle("error", !answer.ok);
    result.textContent = answer.ok ? form.dataset.msgSaved : problemLines(answer.data, form.dataset.msgFailed).join(" ");
  });
}

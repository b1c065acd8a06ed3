// The changes page: discard a draft, confirm lossy steps, publish (at once, or as a job
// whose progress is shown until it is done). Every write goes through the REST API.
import { api } from "./api.js";
import { problemLines, showAlert } from "./dialog.js";

const alertBox = document.getElementById("changes-alert");
const form = document.getElementById("publish-form");
const POLL_MS = 1000;

for (const button of document.querySelectorAll("button.discard")) {
  button.addEventListener("click", async () => {
    if (!window.confirm(button.dataset.confirm)) return;
    button.disabled = true;
    const answer = await api("DELETE", button.dataset.api).catch(() => ({ ok: false, data: null }));
    if (answer.ok) { window.location.reload(); return; }
    button.disabled = false;
    showAlert(alertBox, problemLines(answer.data, form ? form.dataset.msgFailed : ""));
  });
}

function finished(revision) {
  const url = new URL(form.dataset.done, window.location.href);
  if (revision) url.searchParams.set("published", revision);
  window.location.assign(url.toString());
}

function showProgress(job) {
  const bar = document.getElementById("publish-progress");
  const { done = 0, total = 0 } = job.progress || {};
  bar.hidden = false;
  bar.max = Math.max(total, 1);
  bar.value = done;
  document.getElementById("publish-status").textContent =
    form.dataset.msgProgress.replace("{done}", done).replace("{total}", total || "…");
}

async function follow(location) {
  for (;;) {
    const answer = await api("GET", location);
    if (!answer.ok) return answer;
    const job = answer.data;
    if (job.status === "succeeded") return { ok: true, data: job.result };
    if (job.status === "failed") return { ok: false, data: job.error };
    showProgress(job);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

if (form) {
  const confirmBox = document.getElementById("confirm-loss");
  const button = document.getElementById("publish");
  if (confirmBox) confirmBox.addEventListener("change", () => { button.disabled = !confirmBox.checked; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (confirmBox && !confirmBox.checked) return;
    button.disabled = true;
    document.getElementById("publish-status").textContent = form.dataset.msgRunning;
    const body = { confirm_data_loss: Boolean(confirmBox && confirmBox.checked) };
    let answer = await api("POST", form.dataset.api, body).catch(() => ({ ok: false, data: null }));
    if (answer.status === 202) answer = await follow(form.dataset.jobUrl + answer.data.id).catch(() => ({ ok: false, data: null }));
    if (answer.ok) { finished(answer.data && answer.data.revision); return; }
    document.getElementById("publish-status").textContent = "";
    button.disabled = Boolean(confirmBox && !confirmBox.checked);
    showAlert(alertBox, problemLines(answer.data, form.dataset.msgFailed));
  });
}

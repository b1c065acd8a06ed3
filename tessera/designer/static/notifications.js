// The notifications page: opening an unread notification marks it read first (then follows its
// link), "Mark read" and "Mark all read" mark through the API and reload (the counts follow), and
// the preferences form saves which channels each kind goes to.
import { api } from "./api.js";
import { problemLines, showAlert } from "./dialog.js";

const alertBox = document.getElementById("notifications-alert");

function failed(answer) {
  showAlert(alertBox, problemLines(answer && answer.data, alertBox.dataset.msgFailed));
}

async function post(url) {
  return api("POST", url).catch(() => ({ ok: false, data: null }));
}

function plainClick(event) {
  return event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
}

function wireItem(item) {
  const url = item.dataset.readApi;
  if (!url) return;
  for (const link of item.querySelectorAll("a.notification-link")) {
    link.addEventListener("click", async (event) => {
      if (!plainClick(event)) return;
      event.preventDefault();
      await post(url); // the link is followed even when marking fails: the subject matters more
      window.location.assign(link.href);
    });
  }
  const button = item.querySelector(".notification-mark");
  if (button) {
    button.addEventListener("click", async () => {
      const answer = await post(url);
      if (answer.ok) window.location.reload(); else failed(answer);
    });
  }
}

function wireReadAll() {
  const button = document.getElementById("notifications-read-all");
  if (!button) return;
  button.addEventListener("click", async () => {
    button.disabled = true;
    const answer = await post(button.dataset.api);
    if (answer.ok) { window.location.reload(); return; }
    button.disabled = false;
    failed(answer);
  });
}

function preferences(form) {
  const kinds = {};
  for (const row of form.querySelectorAll("tr[data-kind]")) {
    kinds[row.dataset.kind] = [...row.querySelectorAll("input[name=channel]:checked")].map((box) => box.value);
  }
  const fallback = form.dataset.default ? form.dataset.default.split(",") : [];
  return { default: fallback, kinds };
}

function wirePreferences() {
  const form = document.getElementById("preferences-form");
  if (!form) return;
  const result = document.getElementById("preferences-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await api("PUT", form.dataset.api, preferences(form)).catch(() => ({ ok: false, data: null }));
    result.classList.toggle("error", !answer.ok);
    result.textContent = answer.ok ? form.dataset.msgSaved
      : problemLines(answer.data, form.dataset.msgFailed).join(" ");
  });
}

for (const item of document.querySelectorAll("[data-notification]")) wireItem(item);
wireReadAll();
wirePreferences();

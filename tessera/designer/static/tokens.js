// The reader's API tokens: creating one shows its secret this once (from the API's answer,
// never from the page) with a copy button; revoking goes through people_admin_forms.js's actions.
import { wireForm } from "./people_admin_forms.js";

const form = document.getElementById("token-form");
const issued = document.getElementById("token-issued");
const secret = document.getElementById("token-secret");
const copy = document.getElementById("copy-token");
const copyStatus = document.getElementById("copy-status");

wireForm(form, {
  done(data) {
    secret.textContent = data.token;
    issued.hidden = false;
    form.hidden = true;
    issued.focus();
  },
});

copy.addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(secret.textContent);
    copyStatus.textContent = copy.dataset.msgCopied;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(secret);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    copyStatus.textContent = copy.dataset.msgCopyFailed;
  }
});

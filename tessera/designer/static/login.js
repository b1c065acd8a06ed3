// The login form: POST /api/v1/auth/login sets the session cookie; then on to the page asked for.
import { api } from "./api.js";

const form = document.getElementById("login-form");
const error = document.getElementById("login-error");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  const body = { username: form.elements.username.value, password: form.elements.password.value };
  const result = await api("POST", form.dataset.api, body);
  if (result.ok) {
    window.location.assign(form.dataset.next);
    return;
  }
  error.textContent = (result.data && result.data.detail) || form.dataset.msgFailed;
  error.hidden = false;
  form.elements.password.focus();
});

// What every signed-in page does: the navigation toggle on small screens, the language
// switch (stored in the user's profile through the API) and logging out.
import { api } from "./api.js";
import "./feedback.js";

function wireNavToggle() {
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("sidenav");
  if (!toggle || !nav) return;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
}

function wireLocaleSwitch() {
  const select = document.getElementById("locale-switch");
  if (!select) return;
  select.addEventListener("change", async () => {
    const result = await api("PATCH", select.dataset.api, { locale: select.value });
    if (result.ok) window.location.reload();
  });
}

function wireLogout() {
  const button = document.getElementById("logout");
  if (!button) return;
  button.addEventListener("click", async () => {
    await api("POST", button.dataset.api);
    window.location.assign(button.dataset.done);
  });
}

wireNavToggle();
wireLocaleSwitch();
wireLogout();

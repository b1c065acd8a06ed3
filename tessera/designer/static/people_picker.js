// A people picker: enhances every <input data-people-picker="ID-OF-HIDDEN-INPUT" data-api="...">
// into a combobox (ARIA 1.2 pattern). Typing asks the people lookup (GET data-api?q=...) for
// active users; arrow keys move through the list, Enter chooses, Escape closes it, a click
// chooses too. The chosen user's id goes into the hidden input; typing again clears it.
import { api } from "./api.js";

const DELAY_MS = 150;

function option(listId, person) {
  const item = document.createElement("li");
  item.id = `${listId}-${person.id}`;
  item.setAttribute("role", "option");
  item.setAttribute("aria-selected", "false");
  item.dataset.id = String(person.id);
  item.dataset.name = person.display_name;
  const login = Object.assign(document.createElement("span"), { className: "people-login", textContent: person.username });
  item.append(document.createTextNode(person.display_name), " ", login);
  return item;
}

export function enhance(input) {
  const hidden = document.getElementById(input.dataset.peoplePicker);
  const list = document.createElement("ul");
  list.id = `${input.id}-options`;
  list.className = "people-options";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  if (input.labels && input.labels[0]) list.setAttribute("aria-label", input.labels[0].textContent.trim());
  input.after(list);
  Object.entries({ role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
                   "aria-controls": list.id, autocomplete: "off" }).forEach(([k, v]) => input.setAttribute(k, v));
  let timer = null;
  let asked = 0;
  let active = -1;

  const options = () => [...list.querySelectorAll("[role=option]:not([aria-disabled])")];
  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function highlight(index) {
    const all = options();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach((item, i) => item.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }
  function choose(item) {
    input.value = item.dataset.name;
    hidden.value = item.dataset.id;
    hidden.dispatchEvent(new Event("change", { bubbles: true }));
    close();
  }
  function show(people) {
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.replaceChildren(...people.map((person) => option(list.id, person)));
    if (!people.length) {
      const none = Object.assign(document.createElement("li"), { className: "people-none", textContent: input.dataset.msgNone || "" });
      none.setAttribute("role", "option"); // a listbox holds options only; this one cannot be chosen
      none.setAttribute("aria-disabled", "true");
      list.append(none);
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }
  async function lookup(text) {
    const mine = ++asked;
    const answer = await api("GET", `${input.dataset.api}?q=${encodeURIComponent(text)}`).catch(() => null);
    if (mine !== asked || !answer || !answer.ok) return; // a newer question is on its way, or no answer
    show(answer.data.items);
  }

  input.addEventListener("input", () => {
    hidden.value = "";
    clearTimeout(timer);
    const text = input.value.trim();
    if (!text) { asked++; close(); return; }
    timer = setTimeout(() => lookup(text), DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    const open = !list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open && options().length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      highlight(active < 0 && event.key === "ArrowUp" ? -1 : active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(options()[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault(); // closes the list only, not the dialog around it
      event.stopPropagation();
      close();
    }
  });
  list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the input
  list.addEventListener("click", (event) => {
    const item = event.target.closest("[role=option]:not([aria-disabled])");
    if (item) choose(item);
  });
  input.addEventListener("blur", close);
  return { reset() { input.value = ""; hidden.value = ""; list.replaceChildren(); close(); } };
}

export function enhanceAll(root = document) {
  return [...root.querySelectorAll("input[data-people-picker]")].map(enhance);
}

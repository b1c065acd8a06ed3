// A people picker: enhances every <input data-people-picker="ID-OF-HIDDEN-INPUT" data-api="...">
// into a combobox (listbox.js). Typing asks the people lookup (GET data-api?q=...) for active
// users; the chosen user's id goes into the hidden input; typing again clears it.
import { api } from "./api.js";
import { Listbox, optionItem } from "./listbox.js";

const DELAY_MS = 150;

function option(listId, person) {
  const login = Object.assign(document.createElement("span"), { className: "people-login", textContent: person.username });
  const item = optionItem(`${listId}-${person.id}`, person.display_name, " ", login);
  item.dataset.id = String(person.id);
  item.dataset.name = person.display_name;
  return item;
}

function nobody(input) {
  const none = Object.assign(document.createElement("li"), { className: "people-none", textContent: input.dataset.msgNone || "" });
  none.setAttribute("role", "option"); // a listbox holds options only; this one cannot be chosen
  none.setAttribute("aria-disabled", "true");
  return none;
}

export function enhance(input) {
  const hidden = document.getElementById(input.dataset.peoplePicker);
  const list = document.createElement("ul");
  list.id = `${input.id}-options`;
  list.className = "people-options";
  if (input.labels && input.labels[0]) list.setAttribute("aria-label", input.labels[0].textContent.trim());
  input.after(list);
  let timer = null;
  let asked = 0;
  const box = new Listbox(input, list, {
    choose(item) {
      input.value = item.dataset.name;
      hidden.value = item.dataset.id;
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
      box.close();
    },
    reopen() {
      if (!box.options().length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    },
    dismiss() { clearTimeout(timer); asked++; },
  });
  async function lookup(text) {
    const mine = ++asked;
    const answer = await api("GET", `${input.dataset.api}?q=${encodeURIComponent(text)}`).catch(() => null);
    if (mine !== asked || !answer || !answer.ok) return; // a newer question is on its way, or no answer
    const people = answer.data.items;
    box.show(people.length ? people.map((person) => option(list.id, person)) : [nobody(input)]);
  }

  input.addEventListener("input", () => {
    hidden.value = "";
    clearTimeout(timer);
    const text = input.value.trim();
    if (!text) { asked++; box.close(); return; }
    timer = setTimeout(() => lookup(text), DELAY_MS);
  });
  input.addEventListener("blur", () => box.close());
  return { reset() { input.value = ""; hidden.value = ""; list.replaceChildren(); box.close(); } };
}

export function enhanceAll(root = document) {
  return [...root.querySelectorAll("input[data-people-picker]")].map(enhance);
}

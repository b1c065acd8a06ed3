// Typeahead for lookups: every input[data-lookup] (holding the target record's number) gets a
// combobox beside it. Typing searches the target object's records by title (the records
// search, through /app/o/<target>/lookup); the listbox follows the ARIA combobox pattern
// (arrow keys move, Enter picks, Escape closes, aria-activedescendant names the option) and
// the chosen record's number goes into the original input, which the form sends.
import { Listbox, optionItem } from "./listbox.js";

const DELAY_MS = 200;
let serial = 0;

function lookupUrl(holder, params) {
  const url = new URL(`../o/${encodeURIComponent(holder.dataset.lookup)}/lookup`, import.meta.url);
  url.search = new URLSearchParams(params).toString();
  return url.pathname + url.search;
}

async function fetchItems(holder, params) {
  try {
    const response = await fetch(lookupUrl(holder, params), { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return [];
    return (await response.json()).items || [];
  } catch {
    return [];
  }
}

class Lookup {
  constructor(holder) {
    this.holder = holder;
    this.id = `lookup-${++serial}`;
    this.items = [];
    this.timer = null;
    this.asked = 0;  // numbers the searches; only the newest one's answer is shown
    this.build();
    this.wire();
    if (/^\d+$/.test(holder.value)) this.showTitleOf(holder.value);
  }

  build() {
    const holder = this.holder;
    const input = document.createElement("input");
    input.type = "text";
    input.id = holder.id;
    holder.id = `${holder.id}-id`;
    input.value = holder.value;
    for (const name of ["aria-required", "aria-describedby"]) {
      if (holder.hasAttribute(name)) input.setAttribute(name, holder.getAttribute(name));
    }
    input.placeholder = holder.placeholder;
    const list = document.createElement("ul");
    list.id = `${this.id}-list`;
    list.className = "lookup-list";
    const label = document.querySelector(`label[for="${input.id}"]`);
    if (label) { label.id = label.id || `${this.id}-label`; list.setAttribute("aria-labelledby", label.id); }
    const wrap = document.createElement("span");
    wrap.className = "lookup";
    holder.hidden = true;
    holder.after(wrap);
    wrap.append(input, list);
    this.input = input;
    this.box = new Listbox(input, list, { choose: (option) => this.pick(Number(option.dataset.index)),
                                          reopen: () => this.typed(),
                                          dismiss: () => { window.clearTimeout(this.timer); this.asked++; } });
  }

  wire() {
    this.input.addEventListener("input", () => this.typed());
    this.input.addEventListener("blur", () => window.setTimeout(() => this.box.close(), 150));
    new MutationObserver(() => {
      const invalid = this.holder.getAttribute("aria-invalid");
      if (invalid) this.input.setAttribute("aria-invalid", invalid); else this.input.removeAttribute("aria-invalid");
    }).observe(this.holder, { attributes: true, attributeFilter: ["aria-invalid"] });
  }

  async showTitleOf(recordId) {
    const [item] = await fetchItems(this.holder, { id: recordId });
    if (item && this.holder.value === recordId && this.input.value === recordId) this.input.value = item.title;
  }

  typed() {
    const text = this.input.value.trim();
    window.clearTimeout(this.timer);
    if (!text) { this.holder.value = ""; this.box.close(); return; }
    this.holder.value = text;  // a number typed still works; a name not picked is refused by the API, next to the field
    this.timer = window.setTimeout(() => this.search(text), DELAY_MS);
  }

  async search(text) {
    const mine = ++this.asked;
    const items = await fetchItems(this.holder, { q: text });
    if (mine !== this.asked || this.input.value.trim() !== text) return;
    this.items = items;
    this.box.show(items.map((item, index) => {
      const number = Object.assign(document.createElement("span"), { className: "lookup-id", textContent: `#${item.id}` });
      const option = optionItem(`${this.id}-opt-${index}`, item.title, number);
      option.dataset.index = String(index);
      return option;
    }));
  }

  pick(index) {
    const item = this.items[index];
    if (!item) return;
    this.holder.value = String(item.id);
    this.input.value = item.title;
    this.box.close();
    this.input.focus();
  }
}

// User fields carry no target object (data-lookup="None"): they keep the number input.
for (const holder of document.querySelectorAll('input[data-lookup]:not([data-lookup=""]):not([data-lookup="None"])')) {
  new Lookup(holder);
}

// Typeahead for lookups: every input[data-lookup] (holding the target record's number) gets a
// combobox beside it. Typing searches the target object's records by title (the records
// search, through /app/o/<target>/lookup); the listbox follows the ARIA combobox pattern
// (arrow keys move, Enter picks, Escape closes, aria-activedescendant names the option) and
// the chosen record's number goes into the original input, which the form sends.

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
    this.active = -1;
    this.timer = null;
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
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", `${this.id}-list`);
    input.autocomplete = "off";
    input.value = holder.value;
    for (const name of ["aria-required", "aria-describedby"]) {
      if (holder.hasAttribute(name)) input.setAttribute(name, holder.getAttribute(name));
    }
    input.placeholder = holder.placeholder;
    const list = document.createElement("ul");
    list.id = `${this.id}-list`;
    list.className = "lookup-list";
    list.setAttribute("role", "listbox");
    const label = document.querySelector(`label[for="${input.id}"]`);
    if (label) { label.id = label.id || `${this.id}-label`; list.setAttribute("aria-labelledby", label.id); }
    list.hidden = true;
    const wrap = document.createElement("span");
    wrap.className = "lookup";
    holder.hidden = true;
    holder.after(wrap);
    wrap.append(input, list);
    this.input = input;
    this.list = list;
  }

  wire() {
    this.input.addEventListener("input", () => this.typed());
    this.input.addEventListener("keydown", (event) => this.key(event));
    this.input.addEventListener("blur", () => window.setTimeout(() => this.close(), 150));
    this.list.addEventListener("mousedown", (event) => event.preventDefault());
    this.list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.pick(Number(option.dataset.index));
    });
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
    if (!text) { this.setHolder(""); this.close(); return; }
    this.setHolder(text);  // a number typed still works; a name not picked is refused by the API, next to the field
    this.timer = window.setTimeout(() => this.search(text), DELAY_MS);
  }

  setHolder(value) {
    this.holder.value = value;
  }

  async search(text) {
    const items = await fetchItems(this.holder, { q: text });
    if (this.input.value.trim() !== text) return;
    this.items = items;
    this.render();
  }

  render() {
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    const options = this.items.map((item, index) => {
      const li = document.createElement("li");
      li.id = `${this.id}-opt-${index}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.index = String(index);
      const number = Object.assign(document.createElement("span"), { className: "lookup-id", textContent: `#${item.id}` });
      li.append(document.createTextNode(item.title), number);
      return li;
    });
    this.list.replaceChildren(...options);
    this.list.hidden = !options.length;
    this.input.setAttribute("aria-expanded", options.length ? "true" : "false");
  }

  move(step) {
    if (!this.items.length) return;
    const options = this.list.children;
    if (this.active >= 0) options[this.active].setAttribute("aria-selected", "false");
    this.active = (this.active + step + this.items.length) % this.items.length;
    const option = options[this.active];
    option.setAttribute("aria-selected", "true");
    option.scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", option.id);
  }

  key(event) {
    const open = !this.list.hidden;
    if (event.key === "ArrowDown") { event.preventDefault(); if (open) this.move(1); else this.typed(); }
    else if (event.key === "ArrowUp" && open) { event.preventDefault(); this.move(-1); }
    else if (event.key === "Enter" && open && this.active >= 0) { event.preventDefault(); this.pick(this.active); }
    else if (event.key === "Escape" && open) { event.preventDefault(); this.close(); }
  }

  pick(index) {
    const item = this.items[index];
    if (!item) return;
    this.setHolder(String(item.id));
    this.input.value = item.title;
    this.close();
    this.input.focus();
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }
}

// User fields carry no target object (data-lookup="None"): they keep the number input.
for (const holder of document.querySelectorAll('input[data-lookup]:not([data-lookup=""]):not([data-lookup="None"])')) {
  new Lookup(holder);
}

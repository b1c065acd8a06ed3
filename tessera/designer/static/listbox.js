// The listbox of a combobox (ARIA 1.2 pattern), shared by the lookup typeahead and the people
// picker: options shown under the input, arrow keys move the highlight (aria-activedescendant),
// Enter or a click chooses, Escape closes the list only (not a dialog around it). Options
// marked aria-disabled (a "nobody found" line) are shown but never highlighted or chosen.
export class Listbox {
  // `choose(option)` is called with the chosen <li>; `reopen()` when an arrow key is pressed
  // while the list is closed; `dismiss()` when Escape closes it (a search still on its way
  // must not open it again).
  constructor(input, list, { choose, reopen, dismiss = () => {} }) {
    Object.assign(this, { input, list, choose, reopen, dismiss, active: -1 });
    list.setAttribute("role", "listbox");
    list.hidden = true;
    Object.entries({ role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
                     "aria-controls": list.id, autocomplete: "off" }).forEach(([k, v]) => input.setAttribute(k, v));
    input.addEventListener("keydown", (event) => this.key(event));
    list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the input
    list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]:not([aria-disabled])");
      if (option) this.choose(option);
    });
  }

  options() {
    return [...this.list.querySelectorAll("[role=option]:not([aria-disabled])")];
  }

  // Show `items` (<li role=option> elements); an empty list stays closed.
  show(items) {
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.list.replaceChildren(...items);
    this.list.hidden = !items.length;
    this.input.setAttribute("aria-expanded", String(!this.list.hidden));
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  }

  move(step) {
    const all = this.options();
    if (!all.length) return;
    this.active = this.active < 0 && step < 0 ? all.length - 1 : (this.active + step + all.length) % all.length;
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === this.active)));
    this.input.setAttribute("aria-activedescendant", all[this.active].id);
    all[this.active].scrollIntoView({ block: "nearest" });
  }

  key(event) {
    const open = !this.list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) { this.reopen(); if (this.list.hidden) return; }
      this.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && open && this.active >= 0) {
      event.preventDefault();
      this.choose(this.options()[this.active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      event.stopPropagation();
      this.close();
      this.dismiss();
    }
  }
}

// A <li role=option> with `id`, holding `content` (nodes or text).
export function optionItem(id, ...content) {
  const item = document.createElement("li");
  item.id = id;
  item.setAttribute("role", "option");
  item.setAttribute("aria-selected", "false");
  item.append(...content);
  return item;
}

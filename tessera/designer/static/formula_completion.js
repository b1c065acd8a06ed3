// Completion for a formula textarea: fields of the object (following lookups after a "."),
// functions with their signatures, $globals, and a picklist's values inside a text literal
// compared with it, offered in an accessible listbox.
// Keyboard: Ctrl+Space opens it, arrow keys choose, Enter or Tab accept, Escape closes.
import { fields, fill, functions, labelOf } from "./formula_sources.js";

const WORD = /[$A-Za-z_][\w.]*$/;
const LIMIT = 40;
let ids = 0;

// True when `before` (the text up to the caret) ends inside a text literal.
function insideString(before) {
  let quote = null;
  for (let i = 0; i < before.length; i += 1) {
    const c = before[i];
    if (quote) {
      if (c === "\\") i += 1;
      else if (c === quote) quote = null;
    } else if (c === "\"" || c === "'") quote = c;
  }
  return quote !== null;
}

function startsWith(name, partial) {
  return name.toLowerCase().startsWith(partial.toLowerCase());
}

// The object reached from `root` through the lookup fields of `path`, or null.
async function objectAt(root, path, draft) {
  let object = root;
  for (const hop of path) {
    const described = await fields(object, draft);
    const field = described && described.fields.find((f) => f.name.toLowerCase() === hop.toLowerCase() && f.target);
    if (!field) return null;
    object = field.target;
  }
  return object;
}

function fieldItem(field, t) {
  const type = t[`type.${field.type}`] || field.type;
  const detail = field.target ? fill(t.lookup_to, { target: field.target }) : type;
  return { kind: "field", name: field.name, insert: field.name, detail, description: labelOf(field.label, "") };
}

function functionItem(fn, t) {
  const returns = fn.returns ? ` → ${t[`type.${fn.returns}`] || fn.returns}` : "";
  return { kind: "function", name: fn.name, insert: `${fn.name}(`, detail: `${fn.signature}${returns}`, description: fn.description };
}

function globalItem(variable, t) {
  return { kind: "global", name: variable.name, insert: variable.name, detail: t[`type.${variable.type}`] || variable.type,
    description: variable.description };
}

// Text literals a picklist's values complete: `stage = "W`, `ISPICKVAL(stage, "W`, `INCLUDES(products, "W`.
const VALUE_PLACES = [/([A-Za-z_][\w.]*)\s*(?:==|=|<>|!=)\s*(["'])([^"']*)$/,
  /(?:ISPICKVAL|INCLUDES)\(\s*([A-Za-z_][\w.]*)\s*,\s*(["'])([^"']*)$/i];

// {items, start} of the picklist values fitting the text literal the caret is in, or null.
async function valueSuggestions(textarea, before, settings) {
  const found = VALUE_PLACES.map((pattern) => pattern.exec(before)).find(Boolean);
  if (!found || !settings.object) return null;
  const [, path, quote, partial] = found;
  const hops = path.split(".");
  const name = hops.pop().toLowerCase();
  const object = await objectAt(settings.object, hops, settings.draft);
  const described = object ? await fields(object, settings.draft) : null;
  const field = described && described.fields.find((f) => f.name.toLowerCase() === name);
  if (!field || !field.options || !field.options.length) return null;
  const closed = textarea.value[before.length] === quote;
  const items = field.options.filter((value) => startsWith(value, partial)).map((value) => (
    { kind: "value", name: value, insert: closed ? value : `${value}${quote}`, detail: "", description: "" }));
  return { start: before.length - partial.length, items };
}

// {items, start} to offer at the caret of `textarea`, or null for nothing to offer.
export async function suggestions(textarea, settings, t, explicit) {
  const caret = textarea.selectionStart;
  const before = textarea.value.slice(0, caret);
  if (textarea.selectionEnd !== caret) return null;
  if (insideString(before)) return valueSuggestions(textarea, before, settings);
  const word = (WORD.exec(before) || [""])[0];
  if (!word && !explicit) return null;
  if (word.startsWith("$")) {
    const { globals } = await functions(settings.context);
    return { start: caret - word.length, items: globals.filter((g) => startsWith(g.name, word)).map((g) => globalItem(g, t)) };
  }
  const path = word.split(".");
  const partial = path.pop();
  const object = settings.object && await objectAt(settings.object, path, settings.draft);
  const described = object ? await fields(object, settings.draft) : null;
  const items = (described ? described.fields : []).filter((f) => startsWith(f.name, partial)).map((f) => fieldItem(f, t));
  if (!path.length) {
    const { functions: all } = await functions(settings.context);
    const seen = new Set();
    for (const fn of all) {
      if (seen.has(fn.name) || !startsWith(fn.name, partial)) continue;
      seen.add(fn.name);
      items.push(functionItem(fn, t));
    }
  }
  return { start: caret - partial.length, items: items.slice(0, LIMIT) };
}

export class Completion {
  constructor(textarea, host, t) {
    this.textarea = textarea;
    this.t = t;
    this.items = [];
    this.active = -1;
    this.list = document.createElement("ul");
    this.list.id = `formula-completion-${++ids}`;
    this.list.className = "formula-completion";
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", t.suggestions || "");
    this.list.hidden = true;
    this.list.addEventListener("mousedown", (event) => event.preventDefault());
    this.list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.accept(Number(option.dataset.index));
    });
    host.append(this.list);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", this.list.id);
  }

  get open() {
    return !this.list.hidden;
  }

  // Offer what fits at the caret (with `explicit`, even before anything is typed).
  async update(settings, explicit = false) {
    const serial = (this.serial = (this.serial || 0) + 1);
    const found = await suggestions(this.textarea, settings, this.t, explicit).catch(() => null);
    if (serial !== this.serial) return;
    const typed = found && this.textarea.value.slice(found.start, this.textarea.selectionStart);
    const useless = found && found.items.length === 1 && found.items[0].insert === typed;
    if (!found || !found.items.length || useless) { this.close(); return; }
    this.show(found);
  }

  show(found) {
    this.start = found.start;
    this.items = found.items;
    this.list.replaceChildren(...found.items.map((item, index) => this.option(item, index)));
    this.list.hidden = false;
    this.select(0);
  }

  option(item, index) {
    const li = document.createElement("li");
    li.id = `${this.list.id}-${index}`;
    li.setAttribute("role", "option");
    li.dataset.index = String(index);
    li.dataset.kind = item.kind;
    const name = Object.assign(document.createElement("span"), { className: "formula-option-name", textContent: item.name });
    const detail = Object.assign(document.createElement("span"), { className: "formula-option-detail", textContent: item.detail });
    li.append(name, detail);
    if (item.description) {
      li.append(Object.assign(document.createElement("span"), { className: "formula-option-description", textContent: item.description }));
    }
    return li;
  }

  select(index) {
    const options = [...this.list.children];
    this.active = (index + options.length) % options.length;
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === this.active)));
    const chosen = options[this.active];
    this.textarea.setAttribute("aria-activedescendant", chosen.id);
    chosen.scrollIntoView({ block: "nearest" });
  }

  close() {
    this.serial = (this.serial || 0) + 1;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.items = [];
    this.textarea.removeAttribute("aria-activedescendant");
  }

  // Put item `index` in place of the partial word; a function leaves the caret inside "(".
  accept(index = this.active) {
    const item = this.items[index];
    if (!item) return;
    const area = this.textarea;
    const end = area.selectionStart;
    area.setRangeText(item.insert, this.start, end, "end");
    this.close();
    area.focus();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Handle a key of the textarea; true when the key was the popup's.
  key(event, settings) {
    if (event.key === " " && event.ctrlKey) { event.preventDefault(); this.update(settings, true); return true; }
    if (!this.open) return false;
    const moves = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in moves) { event.preventDefault(); this.select(this.active + moves[event.key]); return true; }
    if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); this.accept(); return true; }
    if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); this.close(); return true; }
    return false;
  }
}

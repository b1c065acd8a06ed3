// Fills the people, role and team pickers (select[data-source]) from the REST API, keeping
// what each already holds selected. The directory is read once per page.
import { api } from "./api.js";

const MAX_USER_PAGES = 20;
const loaded = {};

async function users(url) {
  const found = [];
  let cursor = "";
  for (let page = 0; page < MAX_USER_PAGES; page++) {
    const answer = await api("GET", `${url}?active=true${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (!answer.ok) break;
    for (const user of answer.data.items) found.push([String(user.id), `${user.display_name} (${user.username})`]);
    cursor = answer.data.next_cursor;
    if (!cursor) break;
  }
  return found;
}

async function units(url) {
  const answer = await api("GET", url);
  if (!answer.ok) return [];
  const lang = document.documentElement.lang;
  return answer.data.items.map((u) => [u.name, (u.label && (u.label[lang] || u.label.en)) || u.name]);
}

function source(form, name) {
  if (!loaded[name]) loaded[name] = name === "users" ? users(form.dataset.users) : units(form.dataset[name]);
  return loaded[name];
}

function fill(select, entries) {
  const have = new Map([...select.options].map((o) => [o.value, o]));
  for (const [value, text] of entries) {
    const option = have.get(value);
    if (option) {
      option.textContent = text;
    } else {
      select.append(new Option(text, value));
    }
  }
}

// Fills every picker under ``root``.
export async function fillPickers(form, root) {
  for (const select of root.querySelectorAll("select[data-source]")) {
    fill(select, await source(form, select.dataset.source));
  }
}

// What the formula editor reads from the server, fetched once per page (fields for a short
// while, since an administrator may add one in a draft while the page stays open).
import { api } from "./api.js";

const API = "/api/v1/formula";
const TEXTS = new URL("../formula-editor/texts", import.meta.url).pathname;
const FIELDS_FOR_MS = 15000;
const cache = new Map();

function once(key, load, lifetime = Infinity) {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < lifetime) return hit.promise;
  const promise = load().catch((error) => { cache.delete(key); throw error; });
  cache.set(key, { promise, at: Date.now() });
  return promise;
}

// The editor's texts in the page's language ({key: text}); keys missing give "".
export function texts() {
  return once("texts", async () => {
    const result = await api("GET", TEXTS);
    return result.ok && result.data ? result.data : {};
  });
}

// {functions, globals} of the language, only those allowed in `context` when given.
export function functions(context) {
  return once(`functions:${context || ""}`, async () => {
    const query = context ? `?context=${encodeURIComponent(context)}` : "";
    const result = await api("GET", `${API}/functions${query}`);
    return result.ok && result.data ? result.data : { functions: [], globals: [] };
  });
}

function fieldsUrl(object, draft) {
  return `${API}/fields?object=${encodeURIComponent(object)}${draft ? "&draft=true" : ""}`;
}

// {object, label, fields} the reader may read on `object` (the draft's, when allowed), or null.
export function fields(object, draft) {
  return once(`fields:${draft ? "draft" : "published"}:${object}`, async () => {
    let result = draft ? await api("GET", fieldsUrl(object, true)) : null;
    if (!result || result.status === 403 || result.status === 404) result = await api("GET", fieldsUrl(object, false));
    return result.ok ? result.data : null;
  }, FIELDS_FOR_MS);
}

// `template` with its {name} placeholders filled from `params` (plain text: callers use textContent).
export function fill(template, params = {}) {
  return String(template ?? "").replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

// The text of a metadata label map in the page's language, else English, else `fallback`.
export function labelOf(map, fallback) {
  const lang = document.documentElement.lang || "en";
  return (map && (map[lang] || map.en)) || fallback;
}

export function pageLanguage() {
  return document.documentElement.lang || "en";
}

// What the designer's editors share: read the draft of a metadata document, save it whole,
// read locale maps from inputs, and show the API's problems next to the inputs they name
// (marshmallow-style paths such as "fields[3].scale" -> the element with data-path="scale").
import { api } from "./api.js";

export async function loadDraft(url) {
  const answer = await api("GET", url);
  if (!answer.ok) throw answer;
  return answer.data.body;
}

export function saveDraft(url, body) {
  return api("PUT", url, body).catch(() => ({ ok: false, status: 0, data: null }));
}

// {"en": ..., "zh-CN": ...} from the inputs marked data-locale-map=key; undefined when all are blank.
export function readLocaleMap(root, key) {
  const map = {};
  for (const input of root.querySelectorAll(`[data-locale-map="${key}"]`)) {
    const text = input.value.trim();
    if (text) map[input.dataset.locale] = text;
  }
  return Object.keys(map).length ? map : undefined;
}

export function clearErrors(root, alertBox) {
  if (alertBox) { alertBox.hidden = true; alertBox.replaceChildren(); }
  for (const box of root.querySelectorAll(".field.invalid")) box.classList.remove("invalid");
  for (const slot of root.querySelectorAll(".field-error")) { slot.hidden = true; slot.textContent = ""; }
  for (const input of root.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

// The shown element for path "a[2].b" in root: data-path "a[2].b", else "a[2]", else "a", ...
function boxFor(root, path) {
  let rest = path;
  while (rest) {
    const shown = [...root.querySelectorAll(`[data-path="${CSS.escape(rest)}"]`)].find((el) => !el.closest("[hidden]"));
    if (shown) return shown;
    const cut = Math.max(rest.lastIndexOf("."), rest.lastIndexOf("["));
    rest = cut > 0 ? rest.slice(0, cut) : "";
  }
  return null;
}

function paragraph(text) {
  return Object.assign(document.createElement("p"), { textContent: text });
}

// Show problem.errors next to their inputs; paths outside `prefix` (or without an input) go to
// the alert box with the problem's detail. Returns the first input marked invalid.
export function showErrors(root, alertBox, problem, prefix, messages) {
  const stray = [];
  let first = null;
  for (const [path, lines] of Object.entries((problem && problem.errors) || {})) {
    const inside = prefix === "" || path.startsWith(prefix);
    const box = inside ? boxFor(root, path.slice(prefix.length).replace(/^\./, "")) : null;
    const slot = box && box.querySelector(".field-error");
    if (!slot) { stray.push(`${path}: ${lines.join(" ")}`); continue; }
    box.classList.add("invalid");
    slot.textContent = [slot.textContent, ...lines].filter(Boolean).join(" ");
    slot.hidden = false;
    const input = box.querySelector("input, select, textarea");
    if (input) { input.setAttribute("aria-invalid", "true"); first = first || input; }
  }
  const summary = first && !stray.length ? messages.invalid : (problem && problem.detail) || messages.failed;
  alertBox.replaceChildren(...[summary, ...stray].map(paragraph));
  alertBox.hidden = false;
  if (first) first.focus(); else alertBox.focus();
  return first;
}

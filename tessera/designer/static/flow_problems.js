// Shows an API problem's messages next to the inputs they concern: each errors key is a path
// in the flow document ("steps[1].criteria"), matched to the input read from it, else to the
// nearest input under it or above it; what finds no input goes to the alert at the top.

let counter = 0;

function parentPath(path) {
  const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
  return cut > 0 ? path.slice(0, cut) : "";
}

// "/steps/0/criteria" (a JSON pointer) -> "steps[0].criteria" (the paths the inputs carry).
function dotted(path) {
  if (!path.startsWith("/")) return path;
  return path.slice(1).split("/").map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), "");
}

function find(form, rawPath) {
  const path = dotted(rawPath);
  const all = [...form.querySelectorAll("[data-path]")];
  const exact = all.find((el) => el.dataset.path === path);
  if (exact) return exact;
  const below = all.find((el) => el.dataset.path.startsWith(`${path}.`) || el.dataset.path.startsWith(`${path}[`));
  if (below) return below;
  for (let p = parentPath(path); p; p = parentPath(p)) {
    const above = all.find((el) => el.dataset.path === p);
    if (above) return above;
  }
  return null;
}

function attach(el, messages) {
  const note = document.createElement(el.matches("li, ol, ul") ? "p" : "span");
  note.className = "field-error flow-error";
  note.id = `flow-error-${++counter}`;
  note.textContent = messages.join(" ");
  const folded = el.closest("details");
  if (folded) folded.open = true;
  if (el.matches("ol, ul")) el.before(note);
  else if (el.matches("li")) el.prepend(note);
  else {
    el.closest(".field")?.classList.add("invalid");
    (el.closest(".field") || el).append(note);
    el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", note.id);
  }
  return el;
}

export function clearProblems(form, alertBox) {
  alertBox.hidden = true;
  alertBox.replaceChildren();
  for (const note of document.querySelectorAll(".flow-error")) note.remove();
  for (const box of form.querySelectorAll(".field.invalid")) box.classList.remove("invalid");
  for (const el of form.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
  }
}

function line(text) {
  const p = document.createElement("p");
  p.textContent = text;
  return p;
}

// Shows ``errors`` ({path: [messages]}) under ``heading``; focuses the first input concerned.
export function showProblems(form, alertBox, heading, errors = {}) {
  const lost = [];
  let first = null;
  for (const [path, messages] of Object.entries(errors)) {
    const el = find(form, path);
    if (el) first = first || attach(el, messages);
    else lost.push(line(`${path}: ${messages.join(" ")}`));
  }
  alertBox.replaceChildren(line(heading), ...lost);
  alertBox.hidden = false;
  (first && first.matches("input, select, textarea") ? first : alertBox).focus();
}

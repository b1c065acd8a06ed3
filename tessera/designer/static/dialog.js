// What the app's dialogs share: open as a modal (the browser keeps focus inside and Escape
// closes it), close buttons, and an alert box showing an API problem in readable lines.

export function wireClose(dialog) {
  for (const button of dialog.querySelectorAll("[data-close]")) {
    button.addEventListener("click", () => dialog.close());
  }
}

export function problemLines(problem, fallback) {
  const lines = [];
  if (problem && problem.detail) lines.push(problem.detail);
  for (const messages of Object.values((problem && problem.errors) || {})) lines.push(...messages);
  return lines.length ? lines : [fallback];
}

export function showAlert(box, lines) {
  box.replaceChildren(...lines.map((text) => Object.assign(document.createElement("p"), { textContent: text })));
  box.hidden = false;
  box.focus();
}

export function hideAlert(box) {
  box.hidden = true;
  box.replaceChildren();
}

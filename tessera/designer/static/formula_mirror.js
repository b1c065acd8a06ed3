// The layer behind a formula textarea that underlines an error: the same text, laid out
// exactly as the textarea lays it out, invisible except for the marked span. The textarea
// stays on top (transparent background), so typing, selection and assistive technology
// work on it as usual; the mirror is aria-hidden.

const COPIED = ["fontFamily", "fontSize", "fontWeight", "fontStyle", "letterSpacing", "lineHeight", "tabSize",
  "textTransform", "wordSpacing", "paddingTop", "paddingLeft", "paddingBottom", "borderTopWidth",
  "borderRightWidth", "borderBottomWidth", "borderLeftWidth", "textIndent"];

// The UTF-16 offset in `text` of 1-based `line` and `column`, the column counted in
// characters (code points) as the formula checker counts them.
export function offsetOf(text, line, column) {
  const lines = text.split("\n");
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i += 1) offset += lines[i].length + 1;
  const current = lines[line - 1] ?? "";
  const head = Array.from(current).slice(0, Math.max(0, column - 1)).join("");
  return Math.min(text.length, offset + head.length);
}

export class Mirror {
  constructor(textarea) {
    this.textarea = textarea;
    this.node = document.createElement("div");
    this.node.className = "formula-mirror";
    this.node.setAttribute("aria-hidden", "true");
    textarea.addEventListener("scroll", () => this.sync());
  }

  // Take the textarea's metrics (after its own styles apply) so both wrap the same way.
  copyStyles() {
    const style = getComputedStyle(this.textarea);
    for (const name of COPIED) this.node.style[name] = style[name];
    this.paddingRight = parseFloat(style.paddingRight) || 0;
  }

  // Show `text` with [start, end) marked as the error `label` (a span of at least one character).
  mark(text, start, end, label) {
    const span = document.createElement("mark");
    span.className = "formula-error-mark";
    span.textContent = text.slice(start, Math.max(end, start)) || "\u00a0";
    span.dataset.start = String(start);
    if (label) span.title = label;
    this.node.replaceChildren(document.createTextNode(text.slice(0, start)), span,
      document.createTextNode(`${text.slice(Math.max(end, start))} `));
    this.sync();
    return span;
  }

  clear() {
    this.node.replaceChildren();
  }

  // Follow the textarea's scrolling, and leave room for its scroll bar when it shows one.
  sync() {
    const area = this.textarea;
    const style = getComputedStyle(area);
    const bar = area.offsetWidth - area.clientWidth - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
    this.node.style.paddingRight = `${this.paddingRight + Math.max(0, bar)}px`;
    this.node.scrollTop = area.scrollTop;
    this.node.scrollLeft = area.scrollLeft;
  }
}

// Moving fields of a form layout: drag and drop between the palette and the sections, and
// the same with the keyboard (select a field's handle, then Alt+arrows or the move buttons),
// each move announced to screen readers. Sections are dragged by their heading (and moved
// with their own buttons).

const KEYS = { ArrowUp: "up", ArrowDown: "down", ArrowLeft: "prev", ArrowRight: "next" };

export function createMoves(editor, { onChange, announce, describe, describeSection }) {
  let dragged = null;
  let draggedSection = null;
  const sections = editor.querySelector("#sections");

  const zones = () => [...editor.querySelectorAll(".drop-zone")];
  const selected = () => editor.querySelector(".item-handle[aria-pressed=true]");

  function select(handle) {
    for (const other of editor.querySelectorAll(".item-handle[aria-pressed=true]")) {
      if (other !== handle) other.setAttribute("aria-pressed", "false");
    }
    if (handle) handle.setAttribute("aria-pressed", handle.getAttribute("aria-pressed") === "true" ? "false" : "true");
  }

  function moved(item) {
    onChange();
    announce(describe(item));
  }

  function move(item, where) {
    const zone = item.parentElement;
    const all = zones();
    const index = all.indexOf(zone);
    if (where === "up" && item.previousElementSibling) zone.insertBefore(item, item.previousElementSibling);
    else if (where === "down" && item.nextElementSibling) zone.insertBefore(item.nextElementSibling, item);
    else if (where === "prev" && index > 0) all[index - 1].append(item);
    else if (where === "next" && index < all.length - 1) all[index + 1].append(item);
    else return;
    item.querySelector(".item-handle").focus();
    moved(item);
  }

  editor.addEventListener("click", (event) => {
    const handle = event.target.closest(".item-handle");
    if (handle) { select(handle); return; }
    const tool = event.target.closest("[data-move]");
    const current = selected();
    if (tool && current) move(current.closest(".layout-item"), tool.dataset.move);
  });

  editor.addEventListener("keydown", (event) => {
    const handle = event.target.closest(".item-handle");
    if (!handle || !event.altKey || !KEYS[event.key]) return;
    event.preventDefault();
    move(handle.closest(".layout-item"), KEYS[event.key]);
  });

  function sectionDragStart(event) {
    const grip = event.target.closest(".section-drag");
    draggedSection = grip && grip.closest(".design-section");
    if (!draggedSection) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "section");
    draggedSection.classList.add("dragging");
  }

  function sectionDrop(event) {
    event.preventDefault();
    const before = [...sections.children].find((box) => {
      const rect = box.getBoundingClientRect();
      return box !== draggedSection && event.clientY < rect.top + rect.height / 2;
    });
    sections.insertBefore(draggedSection, before || null);
    onChange();
    announce(describeSection(draggedSection));
  }

  editor.addEventListener("dragstart", (event) => {
    dragged = event.target.closest(".layout-item");
    if (!dragged) { sectionDragStart(event); return; }
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.field);
    dragged.classList.add("dragging");
  });

  editor.addEventListener("dragend", () => {
    for (const moving of [dragged, draggedSection]) if (moving) moving.classList.remove("dragging");
    dragged = null;
    draggedSection = null;
    for (const zone of zones()) zone.classList.remove("drop-target");
  });

  function zoneAt(event) {
    const section = event.target.closest(".design-section, .palette");
    return section && section.querySelector(".drop-zone");
  }

  editor.addEventListener("dragover", (event) => {
    if (draggedSection && event.target.closest("#sections")) { event.preventDefault(); return; }
    const zone = dragged && zoneAt(event);
    if (!zone) return;
    event.preventDefault();
    for (const other of zones()) other.classList.toggle("drop-target", other === zone);
  });

  editor.addEventListener("drop", (event) => {
    if (draggedSection && event.target.closest("#sections")) { sectionDrop(event); return; }
    const zone = dragged && zoneAt(event);
    if (!zone) return;
    event.preventDefault();
    const before = [...zone.children].find((item) => {
      const box = item.getBoundingClientRect();
      return item !== dragged && event.clientY < box.top + box.height / 2;
    });
    zone.insertBefore(dragged, before || null);
    moved(dragged);
  });

  return { move };
}

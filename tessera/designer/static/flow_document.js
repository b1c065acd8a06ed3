// Reads the flow editor's inputs back into an approval flow document (the shape of
// schemas/approval_flow.json) and names each input's path in it ("steps[1].criteria"),
// so the API's problems find their inputs. Defaults the page shows are left out.

export class InputProblem extends Error {
  constructor(element, code) { super(code); this.element = element; this.code = code; }
}

function own(scope, selector) {
  return [...scope.querySelectorAll(selector)].filter((el) => el.parentElement.closest("[data-scope]") === scope);
}

function inputs(scope) {
  const found = {};
  for (const el of own(scope, "[data-k]")) found[el.dataset.k] = el;
  return found;
}

function mark(el, path) {
  if (el) el.dataset.path = path;
  return el;
}

function text(el) { return el ? el.value.trim() : ""; }

function number(el, integer = true) {
  const value = text(el);
  if (value === "") return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) throw new InputProblem(el, "number");
  return parsed;
}

function json(el) {
  const value = text(el);
  if (value === "") return undefined;
  try { return JSON.parse(value); } catch { throw new InputProblem(el, "json"); }
}

function chosen(select) { return [...select.selectedOptions].map((o) => o.value).filter((v) => v !== ""); }

function label(found, path) {
  const map = {};
  for (const locale of ["en", "zh-CN"]) {
    const el = mark(found[`label.${locale}`], `${path}label.${locale}`);
    if (text(el)) map[locale] = el.value.trim();
  }
  return Object.keys(map).length ? map : undefined;
}

function put(target, key, value) { if (value !== undefined && value !== "") target[key] = value; }

const APPROVER_READERS = {
  user: (f) => { const v = text(f.user); return v === "" ? "" : Number(v); },
  role: (f) => text(f.role),
  team_head: (f) => text(f.team_head),
  manager: (f) => {
    const manager = { of: f["manager.of"].value };
    put(manager, "levels", number(f["manager.levels"]));
    return manager;
  },
  manager_up_to_role: (f) => text(f.manager_up_to_role),
  field: (f) => text(f.field),
  formula: (f) => f.formula.value.trim(),
  resolver: (f) => {
    const resolver = { name: text(f["resolver.name"]) };
    put(resolver, "params", json(f["resolver.params"]));
    return resolver;
  },
};

function approver(row, path) {
  mark(row, path);
  const found = inputs(row);
  const kind = found.kind.value;
  for (const [key, el] of Object.entries(found)) if (key !== "kind") mark(el, `${path}.${key}`);
  mark(found[kind] || found[`${kind}.name`] || found[`${kind}.of`], `${path}.${kind}`);
  return { [kind]: APPROVER_READERS[kind](found) };
}

const ACTION_READERS = {
  field_update: (f) => ({ field: text(f["field_update.field"]), value: f["field_update.value"].value.trim() }),
  create_record: (f) => ({ object: text(f["create_record.object"]), values: json(f["create_record.values"]) || {} }),
  notify: (f) => {
    const notify = {};
    if (f["notify.submitter"].checked) notify.submitter = true;
    const roles = chosen(f["notify.roles"]);
    const users = chosen(f["notify.users"]).map(Number);
    if (roles.length) notify.roles = roles;
    if (users.length) notify.users = users;
    const message = {};
    for (const locale of ["en", "zh-CN"]) if (text(f[`notify.message.${locale}`])) message[locale] = text(f[`notify.message.${locale}`]);
    if (Object.keys(message).length) notify.message = message;
    return notify;
  },
  event: (f) => text(f.event),
};

function action(row, path) {
  mark(row, path);
  const found = inputs(row);
  const kind = found.kind.value;
  for (const [key, el] of Object.entries(found)) if (key !== "kind") mark(el, `${path}.${key}`);
  mark(found.event, `${path}.event`);
  return { [kind]: ACTION_READERS[kind](found) };
}

function actionLists(container, base) {
  const actions = {};
  for (const list of container.querySelectorAll(":scope .action-list")) {
    if (list.closest("[data-scope]") !== container) continue;
    const when = list.dataset.when;
    const path = `${base}actions.${when}`;
    mark(list.querySelector("[data-list]"), path);
    const rows = own(list.closest("[data-scope]"), ".action").filter((r) => r.closest(".action-list") === list);
    const found = rows.map((row, i) => action(row, `${path}[${i}]`));
    if (found.length) actions[when] = found;
  }
  return Object.keys(actions).length ? actions : undefined;
}

function timer(found, key, path) {
  const amount = number(mark(found[`${key}.amount`], path));
  mark(found[`${key}.unit`], path);
  return amount === undefined ? undefined : { [found[`${key}.unit`].value]: amount };
}

function decision(found, path) {
  const mode = mark(found["decision.mode"], path).value;
  const amount = mark(found["decision.amount"], `${path}.${mode}`);
  if (mode === "first") return undefined;
  if (mode === "all") return "all";
  const value = number(amount, mode === "count");
  if (value === undefined) throw new InputProblem(amount, "number");
  return { [mode]: value };
}

function step(card, index) {
  const path = `steps[${index}]`;
  mark(card, path);
  const found = inputs(card);
  const doc = { name: text(mark(found.name, `${path}.name`)) };
  put(doc, "label", label(found, `${path}.`));
  const criteria = text(mark(found.criteria, `${path}.criteria`));
  put(doc, "criteria", criteria);
  if (criteria) doc.when_false = mark(found.when_false, `${path}.when_false`).value;
  mark(card.querySelector(".approver-list"), `${path}.approvers`);
  doc.approvers = own(card, ".approver").map((row, i) => approver(row, `${path}.approvers[${i}]`));
  put(doc, "decision", decision(found, `${path}.decision`));
  if (mark(found.on_reject, `${path}.on_reject`).value === "back") doc.on_reject = "back";
  if (!mark(found.delegation, `${path}.delegation`).checked) doc.delegation = false;
  for (const key of ["due", "remind_every"]) put(doc, key, timer(found, key, `${path}.${key}`));
  put(doc, "escalate", text(mark(found.escalate, `${path}.escalate`)));
  if (mark(found.merge_same_approver, `${path}.merge_same_approver`).checked) doc.merge_same_approver = true;
  put(doc, "actions", actionLists(card, `${path}.`));
  return doc;
}

function submitters(found) {
  const list = ["owner", "creator", "editors"].filter((kind) => mark(found[`submitters.${kind}`], "submitters").checked);
  for (const role of chosen(mark(found["submitters.roles"], "submitters"))) list.push({ role });
  return list;
}

// The flow document the form holds; throws InputProblem for an input that cannot be read.
export function readFlow(form) {
  const found = inputs(form);
  const doc = { kind: "approval_flow", name: form.dataset.name, ...JSON.parse(form.dataset.keep || "{}") };
  put(doc, "label", label(found, ""));
  doc.object = found.object.value;
  put(doc, "entry_criteria", text(mark(found.entry_criteria, "entry_criteria")));
  const order = number(mark(found.order, "order"));
  if (order) doc.order = order;
  if (!mark(found.active, "active").checked) doc.active = false;
  doc.submitters = submitters(found);
  doc.allow_recall = mark(found.allow_recall, "allow_recall").checked;
  doc.lock = mark(found.lock, "lock").value;
  mark(form.querySelector("#steps"), "steps");
  doc.steps = own(form, ".step-card").map(step);
  put(doc, "actions", actionLists(form.querySelector("[data-scope=flow-actions]"), ""));
  return doc;
}

// The flow list's "new flow" form: creates the flow's first draft (one step: the submitter's
// manager) through the REST API, then opens it in the editor; problems go next to their inputs.
import { api } from "./api.js";
import { clearProblems, showProblems } from "./flow_problems.js";

const form = document.getElementById("new-flow");
const alertBox = document.getElementById("new-flow-alert");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearProblems(form, alertBox);
  const name = form.elements.name.value.trim();
  const doc = { kind: "approval_flow", name, object: form.elements.object.value,
                steps: [JSON.parse(form.dataset.firstStep)] };
  const label = form.elements.label.value.trim();
  if (label) doc.label = { en: label };
  const answer = await api("POST", form.dataset.api, doc);
  if (answer.ok) {
    window.location.assign(form.dataset.edit.replace("NAME", encodeURIComponent(answer.data.name)));
    return;
  }
  showProblems(form, alertBox, (answer.data && answer.data.detail) || "", (answer.data && answer.data.errors) || {});
});

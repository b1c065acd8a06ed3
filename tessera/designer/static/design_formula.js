// The formula workbench: the object and the expected result type chosen above the editor
// become the editor's attributes (it checks again), and the address keeps them for a reload.
const form = document.getElementById("formula-workbench");

function remember(area) {
  const url = new URL(window.location.href);
  url.searchParams.set("object", area.dataset.formulaObject);
  if (area.dataset.formulaType) url.searchParams.set("returns", area.dataset.formulaType);
  else url.searchParams.delete("returns");
  window.history.replaceState(null, "", url);
}

if (form) {
  const area = document.getElementById("workbench-formula");
  const object = document.getElementById("workbench-object");
  const returns = document.getElementById("workbench-returns");
  object.addEventListener("change", () => { area.dataset.formulaObject = object.value; remember(area); });
  returns.addEventListener("change", () => {
    if (returns.value) area.dataset.formulaType = returns.value;
    else delete area.dataset.formulaType;
    remember(area);
  });
  form.addEventListener("submit", (event) => event.preventDefault());
}

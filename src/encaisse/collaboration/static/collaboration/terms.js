// The terms form shows the fields of the kind chosen (all of them without JavaScript).
(function () {
  const form = document.querySelector("[data-testid=terms-form]");
  if (!form) { return; }
  function show() {
    const chosen = form.querySelector("input[name=kind]:checked");
    form.querySelectorAll("[data-terms-kind]").forEach(function (section) {
      section.hidden = chosen !== null && section.dataset.termsKind !== chosen.value;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") { show(); }
  });
  show();
})();

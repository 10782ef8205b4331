/* Behaviour every page may use, attached here rather than in inline handlers (the Content-Security-Policy allows
   scripts from our own static files only). Delegated from the document, so content that htmx swaps in works too.
     data-confirm="question"         a button or link that asks before it acts
     data-select-all="#table tbody"  a checkbox that ticks every checkbox under the selector
     data-autosubmit                 a select whose change submits its form
     data-tree-toggle                the +/− of a tree node: shows or hides the node's <ul> */
(function () {
  document.addEventListener("click", function (event) {
    var asking = event.target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    var toggle = event.target.closest("[data-tree-toggle]");
    if (toggle) {
      var open = toggle.textContent.trim() !== "−";
      toggle.textContent = open ? "−" : "+";
      var list = toggle.parentElement.querySelector("ul");
      if (list) { list.classList.toggle("d-none", !open); }
    }
  });
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (all) {
      document.querySelectorAll(all.dataset.selectAll + " input[type=checkbox]").forEach(function (box) {
        box.checked = all.checked;
      });
    }
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) { select.form.submit(); }
  });
})();

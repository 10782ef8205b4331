/* The data resource form (inventory/records_dataresource_form.html): add and remove data item rows of the formset,
   and show the class (类) that follows the kind. */
document.addEventListener("DOMContentLoaded", function () {
  var card = document.getElementById("items-card");
  var rows = document.getElementById("item-rows");
  var total = document.getElementById("id_items-TOTAL_FORMS");
  if (!card || !rows || !total) return;
  document.getElementById("add-item").addEventListener("click", function () {
    var html = document.getElementById("item-template").innerHTML.replace(/__prefix__/g, total.value);
    rows.insertAdjacentHTML("beforeend", html);
    total.value = parseInt(total.value, 10) + 1;
    rows.lastElementChild.querySelector("input[type=text]").focus();
  });
  rows.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-item");
    if (!button) return;
    var row = button.closest("tr");
    row.querySelector("input[name$='-DELETE']").checked = true;
    row.classList.add("d-none");
  });
  // The class (类) follows the kind: show it next to the kind so the code reads right.
  var kind = document.getElementById("id_kind"), digits = {"basic": "1", "thematic": "2", "departmental": "3"};
  if (kind) {
    var hint = document.createElement("small"); hint.className = "form-hint"; kind.parentElement.after(hint);
    var show = function () { hint.textContent = card.dataset.classLabel + ": " + (digits[kind.value] || "—"); };
    kind.addEventListener("change", show); show();
  }
});

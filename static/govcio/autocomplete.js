/* Autocomplete for large selects (core/widgets.py): type, pick, and the choice becomes the select's option. */
(function () {
  function setup(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var input = box.querySelector(".ac-input");
    var results = box.querySelector(".ac-results");
    var select = box.querySelector("select");
    var timer = null;
    function hide() { results.classList.add("d-none"); results.innerHTML = ""; }
    function choose(id, text) {
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === String(id); });
      if (!select.multiple) {
        Array.prototype.slice.call(select.options).forEach(function (o) { if (o.value) o.remove(); });
        option = null;
      }
      if (!option) { option = new Option(text, id, true, true); select.add(option); }
      option.selected = true;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = "";
      hide();
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { hide(); return; }
      timer = setTimeout(function () {
        fetch(box.dataset.url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            results.innerHTML = "";
            data.results.forEach(function (item) {
              var button = document.createElement("button");
              button.type = "button";
              button.className = "list-group-item list-group-item-action py-1";
              button.textContent = item.text;
              button.addEventListener("click", function () { choose(item.id, item.text); });
              results.appendChild(button);
            });
            results.classList.toggle("d-none", data.results.length === 0);
          });
      }, 200);
    });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); if (e.key === "Enter") e.preventDefault(); });
    document.addEventListener("click", function (e) { if (!box.contains(e.target)) hide(); });
  }
  function scan(root) { (root || document).querySelectorAll(".autocomplete").forEach(setup); }
  document.addEventListener("DOMContentLoaded", function () { scan(); });
  document.addEventListener("htmx:afterSwap", function (e) { scan(e.target); });
})();

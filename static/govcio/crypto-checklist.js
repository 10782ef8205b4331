/* The crypto assessment form (security/crypto_form.html): mark each item 应/宜/可 for the level chosen, from the
   "crypto-requirements" json_script. */
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("crypto-requirements");
  if (!source) return;
  var requirements = JSON.parse(source.textContent);
  var marks = {shall: "应", should: "宜", may: "可", none: "—"};
  var colors = {shall: "bg-red-lt", should: "bg-yellow-lt", may: "bg-azure-lt", none: "bg-secondary-lt"};
  var level = document.getElementById("id_level");
  function show() {
    var asked = requirements[level ? level.value : ""] || {};
    document.querySelectorAll("#crypto-checklist .requirement").forEach(function (badge) {
      var requirement = asked[badge.dataset.item] || "";
      badge.textContent = marks[requirement] || "—";
      badge.className = "badge requirement " + (colors[requirement] || "bg-secondary-lt");
    });
  }
  if (level) { level.addEventListener("change", show); }
  show();
});

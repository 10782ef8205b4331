/* The progress of a background import: polls the status (JSON) and opens the result once the task has ended. */
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("import-progress");
  if (!box) return;
  var bar = box.querySelector(".progress-bar"), label = box.querySelector("[data-label]");
  /* Every 100 ms for the first 3 s, then 1.5× longer each time, at most 1 s (bench/scenarios/imports.py polls alike). */
  var delay = 100, started = Date.now();
  bar.style.width = bar.getAttribute("aria-valuenow") + "%";  /* CSSOM, which the content security policy allows */
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (status) {
        bar.style.width = status.progress + "%";
        bar.setAttribute("aria-valuenow", status.progress);
        label.textContent = status.label;
        if (!status.running) { location.assign(status.url || location.href); return; }
        if (Date.now() - started > 3000) delay = Math.min(delay * 1.5, 1000);
        setTimeout(poll, delay);
      })
      .catch(function () { location.reload(); });
  }
  setTimeout(poll, delay);
});

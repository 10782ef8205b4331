/* Open the tab named in the address (…#reviews), and keep the address in step with the open tab. */
document.addEventListener("DOMContentLoaded", function () {
  var tab = location.hash && document.querySelector('[data-bs-toggle="tab"][href="' + location.hash + '"]');
  if (tab) tab.click();
  document.querySelectorAll('[data-bs-toggle="tab"]').forEach(function (t) {
    t.addEventListener("shown.bs.tab", function () { history.replaceState(null, "", t.getAttribute("href")); });
  });
});

/* What the ECharts pages share. Tooltips are built as DOM nodes rather than HTML text: ECharts' own tooltip markup
   carries style attributes, which the Content-Security-Policy refuses, while styles set from a script
   (element.style) are not inline style to it. Text goes in as text, so no name can become markup. */
window.govcioCharts = (function () {
  function row(color, label, value) {
    var line = document.createElement("div");
    var dot = document.createElement("span");
    dot.className = "chart-dot";
    if (typeof color === "string") { dot.style.backgroundColor = color; }
    var name = document.createElement("span");
    name.textContent = label;
    var figure = document.createElement("strong");
    figure.className = "ms-2";
    figure.textContent = value;
    line.append(dot, name, figure);
    return line;
  }

  // ECharts names an unnamed series "series\u00000"; its own tooltips leave such names out, and so do these.
  function named(name) {
    return name && name.indexOf("\u0000") === -1 ? name : "";
  }

  function shown(value) {
    if (Array.isArray(value)) { value = value[value.length - 1]; }
    return value === null || value === undefined || value === "-" ? "—" : String(value);
  }

  // tooltip.formatter for both triggers: "axis" (a heading and one row per series) and "item" (one row).
  function tooltip(params) {
    var box = document.createElement("div");
    if (Array.isArray(params)) {
      if (params.length) {
        var heading = document.createElement("div");
        heading.className = "fw-bold";
        heading.textContent = params[0].axisValueLabel;
        box.append(heading);
      }
      params.forEach(function (p) { box.append(row(p.color, named(p.seriesName), shown(p.value))); });
    } else {
      var value = shown(params.value) + (params.percent !== undefined ? " (" + params.percent + "%)" : "");
      box.append(row(params.color, params.name, value));
    }
    return box;
  }

  var charts = [];
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  // Draw ``option`` in the element with this id (if the page has it), with the tooltips above.
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    if (option.tooltip) { option.tooltip.formatter = tooltip; }
    var chart = echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  }

  return {draw: draw, tooltip: tooltip};
})();

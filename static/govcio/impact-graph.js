/* The blast-radius graph (影响分析), shared by the inventory's impact pages and the security "what if this system is
   compromised" page. An element with data-graph-url gets a layered ECharts graph of the JSON found there
   (inventory.views.impact.graph_json): one column per depth, downstream to the right, upstream to the left; a click on
   a node opens it. A node may carry "color" (drawn in that colour instead of its kind's) and "note" (a tooltip line). */
(function () {
  var colors = {system: "#206bc4", service: "#2fb344", resource: "#f59f00", outside: "#868e96"};
  var kinds = ["system", "service", "resource", "outside"];

  function draw(el, data) {
    var chart = echarts.init(el);
    var columns = {};
    data.nodes.forEach(function (n) {
      var col = n.start ? 0 : (n.direction === "up" ? -n.depth : n.depth);
      if (n.kind === "outside") { col = n.direction === "up" ? -0.5 : 0.5; }
      (columns[col] = columns[col] || []).push(n);
    });
    // Long columns fold into sub-columns of PER nodes, so a hub's thousand dependents stay a block, not a line.
    var PER = 14, DX = 70, DY = 30, GAP = 170, x = 0, nodes = [];
    Object.keys(columns).map(Number).sort(function (a, b) { return a - b; }).forEach(function (col) {
      var list = columns[col], rows = Math.min(PER, list.length);
      list.forEach(function (n, i) {
        var fade = n.start ? 1 : Math.max(0.35, 1 - 0.13 * (n.depth - 1));
        var style = n.start ? {borderColor: "#d63939", borderWidth: 4, opacity: 1} : {opacity: fade};
        if (n.color) { style.color = n.color; }
        nodes.push({
          id: n.id, name: n.name, x: x + Math.floor(i / PER) * DX, y: (i % PER - (rows - 1) / 2) * DY,
          category: kinds.indexOf(n.kind), symbolSize: n.start ? 42 : (n.kind === "system" ? 18 : 12),
          value: n.depth, url: n.url, unit: n.unit, note: n.note, itemStyle: style,
          label: {show: n.start || data.nodes.length <= 60}
        });
      });
      x += Math.floor((list.length - 1) / PER) * DX + GAP;
    });
    chart.setOption({
      tooltip: {formatter: function (p) {
        if (p.dataType !== "node") { return ""; }
        var d = p.data, enc = echarts.format.encodeHTML;
        return enc(d.name) + (d.unit ? "<br>" + enc(d.unit) : "") + (d.note ? "<br>" + enc(d.note) : "") +
          "<br>" + data.labels.depth + " " + d.value;
      }},
      legend: {data: kinds.map(function (k) { return data.labels[k]; }), bottom: 4},
      series: [{
        type: "graph", layout: "none", roam: true, draggable: true,
        categories: kinds.map(function (k) { return {name: data.labels[k], itemStyle: {color: colors[k]}}; }),
        data: nodes, edges: data.edges, edgeSymbol: ["none", "arrow"], edgeSymbolSize: 6,
        lineStyle: {color: "#adb5bd", opacity: 0.6}, label: {position: "right", fontSize: 11},
        emphasis: {focus: "adjacency", label: {show: true}}
      }]
    });
    chart.on("click", function (p) { if (p.dataType === "node" && p.data.url) { window.location.href = p.data.url; } });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-graph-url]").forEach(function (el) {
      fetch(el.dataset.graphUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (data) { draw(el, data); });
    });
  });
})();

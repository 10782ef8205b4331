/* The inventory overview's charts (inventory/overview.html): data from the "overview-data" json_script. */
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) { return; }
  var data = JSON.parse(document.getElementById("overview-data").textContent);
  var draw = govcioCharts.draw;
  draw("chart-status", {
    tooltip: {trigger: "item"}, legend: {bottom: 0},
    series: [{type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"], data: data.status, label: {formatter: "{b}\n{c}"}}]
  });
  draw("chart-hosting", {
    tooltip: {trigger: "axis"}, grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
    xAxis: {type: "value", minInterval: 1}, yAxis: {type: "category", data: data.hosting.labels, inverse: true},
    series: [{type: "bar", data: data.hosting.values, barMaxWidth: 28, label: {show: true, position: "right"}}]
  });
  draw("chart-cost", {
    tooltip: {trigger: "axis"}, grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
    xAxis: {type: "value"}, yAxis: {type: "category", data: data.cost.labels, axisLabel: {width: 160, overflow: "truncate"}},
    series: [{type: "bar", name: data.cost.series, data: data.cost.values, barMaxWidth: 18}]
  });
});

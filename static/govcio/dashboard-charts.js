/* The security dashboard's charts (security/dashboard.html): data from the "dashboard-data" json_script. */
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) { return; }
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var draw = govcioCharts.draw;
  var levelColors = ["#74b816", "#206bc4", "#f59f00", "#f76707", "#d63939", "#adb5bd"];
  draw("chart-levels", {
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}}, legend: {bottom: 0},
    grid: {left: 8, right: 16, top: 16, bottom: data.levels.departments.length > data.levels.window ? 70 : 40, containLabel: true},
    dataZoom: data.levels.departments.length > data.levels.window ? [
      {type: "slider", startValue: 0, endValue: data.levels.window - 1, bottom: 34, height: 16, showDetail: false},
      {type: "inside", zoomLock: true}
    ] : [],
    xAxis: {type: "category", data: data.levels.departments, axisLabel: {interval: 0, rotate: 30, width: 110, overflow: "truncate"}},
    yAxis: {type: "value", minInterval: 1},
    series: data.levels.series.map(function (s, i) {
      return {type: "bar", stack: "levels", name: s.name, data: s.data, itemStyle: {color: levelColors[i]}, barMaxWidth: 36};
    })
  });
  function pie(id, rows, colors) {
    draw(id, {
      tooltip: {trigger: "item"}, color: colors,
      series: [{type: "pie", radius: ["42%", "70%"], center: ["50%", "50%"], data: rows, label: {formatter: "{b}\n{c}"}}]
    });
  }
  pie("chart-filing", data.filing, ["#2fb344", "#d63939", "#f59f00"]);
  pie("chart-assessment", data.assessment, ["#2fb344", "#d63939", "#adb5bd"]);
  pie("chart-crypto", data.crypto, ["#2fb344", "#f59f00", "#d63939", "#adb5bd"]);
  draw("chart-trend", {
    tooltip: {trigger: "axis"}, legend: {bottom: 0},
    grid: {left: 8, right: 16, top: 16, bottom: 36, containLabel: true},
    xAxis: {type: "category", data: data.trend.months}, yAxis: {type: "value", minInterval: 1},
    series: [
      {type: "bar", name: data.trend.labels.opened, data: data.trend.opened, itemStyle: {color: "#d63939"}, barMaxWidth: 20},
      {type: "bar", name: data.trend.labels.verified, data: data.trend.verified, itemStyle: {color: "#2fb344"}, barMaxWidth: 20}
    ]
  });
});

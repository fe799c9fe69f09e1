/* The statistics dashboard's charts (Apache ECharts, vendored under vendor/echarts/).
   The numbers come from the page (json_script "report-charts"); every figure shown as text on the
   page is exact, the charts only draw them. A static file, not an inline script: the production
   Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  // The figures' names and units come with the data, from the registry (reports/figures.py).
  var cases = data.series.cases;
  var fines = data.series.fines;
  var grades = data.series.grades;
  var navy = "#14365d";
  var red = "#b42318";
  var charts = [];
  var font = '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

  function chart(id, option) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    var instance = echarts.init(element, null, { renderer: "canvas" });
    option.textStyle = { fontFamily: font };
    option.animation = false;
    instance.setOption(option);
    charts.push(instance);
  }

  function wan(value) {
    return Number(value).toFixed(2);
  }

  chart("chart-months", {
    title: { text: data.titles.months, left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    legend: { top: 26, data: [cases.name, fines.name] },
    grid: { left: 48, right: 56, top: 64, bottom: 32 },
    xAxis: { type: "category", data: data.months.labels },
    yAxis: [
      { type: "value", name: cases.unit, minInterval: 1 },
      { type: "value", name: fines.unit, axisLabel: { formatter: wan } }
    ],
    series: [
      { name: cases.name, type: "bar", data: data.months.cases, itemStyle: { color: navy }, barMaxWidth: 28 },
      {
        name: fines.name, type: "line", yAxisIndex: 1, data: data.months.fines,
        itemStyle: { color: red }, tooltip: { valueFormatter: wan }
      }
    ]
  });

  if (data.organisations) {
    chart("chart-organisations", {
      title: { text: data.titles.organisations, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 26, data: [cases.name, fines.name] },
      grid: { left: 48, right: 56, top: 64, bottom: 56 },
      xAxis: { type: "category", data: data.organisations.labels, axisLabel: { interval: 0, rotate: 20 } },
      yAxis: [
        { type: "value", name: cases.unit, minInterval: 1 },
        { type: "value", name: fines.unit, axisLabel: { formatter: wan } }
      ],
      series: [
        { name: cases.name, type: "bar", data: data.organisations.cases, itemStyle: { color: navy }, barMaxWidth: 36 },
        {
          name: fines.name, type: "bar", yAxisIndex: 1, data: data.organisations.fines,
          itemStyle: { color: red }, barMaxWidth: 36, tooltip: { valueFormatter: wan }
        }
      ]
    });
  }

  if (data.grades && data.grades.length) {
    chart("chart-grades", {
      title: { text: data.titles.grades, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "item", formatter: "{b}：{c} " + grades.unit + "（{d}%）" },
      legend: { bottom: 4 },
      series: [{
        name: grades.name, type: "pie", radius: ["35%", "62%"], data: data.grades,
        label: { formatter: "{b}\n{c} " + grades.unit }
      }]
    });
  }

  // A tablet turned from portrait to landscape: the charts follow their boxes.
  window.addEventListener("resize", function () {
    charts.forEach(function (instance) { instance.resize(); });
  });
})();

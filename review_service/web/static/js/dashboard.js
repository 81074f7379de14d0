// 监督看板: draws the three charts from the JSON the page embeds (#dashboard-data); every label in it
// is already translated by the server. ECharts is served from static/vendor (no CDN); its ZH locale is built in.
// A click on an agency's part of a stage bar opens the case list filtered to those cases (status + agency);
// each chart's figures are also in a table under it (with the same links, for the keyboard and screen readers).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var charts = [];

  // A click on a chart's figure opens the case list with the filters query(params) gives (null: no link).
  function onClick(id, query) {
    var element = document.getElementById(id);
    var chart = element && echarts.getInstanceByDom(element);
    if (!chart) { return; }
    chart.on("click", function (params) {
      var filters = query(params);
      if (filters) { window.location.assign(data.case_list + "?" + new URLSearchParams(filters).toString()); }
    });
  }

  function draw(id, hasData, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var chart = echarts.init(element, null, { locale: data.locale, renderer: "canvas" });
    if (!hasData) {
      option = { title: { text: data.empty, left: "center", top: "middle",
                          textStyle: { color: "#6c757d", fontSize: 14, fontWeight: "normal" } } };
    }
    chart.setOption(option);
    element.setAttribute("data-chart-ready", "1");
    charts.push(chart);
  }

  var stages = data.stages;
  draw("chart-stages", stages.categories.length > 0, {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
    xAxis: { type: "category", data: stages.categories, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", name: stages.axis, minInterval: 1 },
    series: stages.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "cases", data: s.data, emphasis: { focus: "series" },
               cursor: "pointer" };
    })
  });
  onClick("chart-stages", function (params) {
    var agency = stages.series[params.seriesIndex];
    if (!agency || !params.value) { return null; }
    return { status: stages.statuses[params.dataIndex], agency: agency.code };
  });

  var times = data.times;
  draw("chart-times", times.categories.length > 0, {
    tooltip: {
      trigger: "axis", axisPointer: { type: "shadow" },
      formatter: function (items) {
        var i = items[0].dataIndex;
        return times.categories[i] + "<br>" + times.average_label + ": " + times.average[i] +
          "<br>" + times.max_label + ": " + times.max[i] + "<br>" + times.working_days_label + ": " +
          times.working_days[i] + "<br>" + times.tasks_label + ": " + times.tasks[i];
      }
    },
    grid: { left: 8, right: 40, bottom: 8, top: 16, containLabel: true },
    xAxis: { type: "value", name: times.axis },
    yAxis: { type: "category", data: times.categories, inverse: true },
    series: [{ name: times.average_label, type: "bar", data: times.average, label: { show: true, position: "right" } }]
  });

  var staffing = data.staffing;
  draw("chart-staffing", staffing.categories.length > 0, {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
    xAxis: { type: "category", data: staffing.categories, axisLabel: { interval: 0, rotate: 20 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: staffing.required_label, type: "bar", data: staffing.required, itemStyle: { color: "#adb5bd" } },
      { name: staffing.reviewers_label, type: "bar", stack: "reviewers", itemStyle: { color: "#198754" },
        data: staffing.reviewers.map(function (value, i) { return staffing.compliant[i] ? value : "-"; }) },
      { name: staffing.short_label, type: "bar", stack: "reviewers", itemStyle: { color: "#dc3545" },
        data: staffing.reviewers.map(function (value, i) { return staffing.compliant[i] ? "-" : value; }) }
    ].filter(function (series) {  // no legend entry for a colour no bar has
      return series.data.some(function (value) { return value !== "-"; });
    })
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();

// Dashboard: figures from /api/dashboard drawn with the vendored ECharts.
(function () {
  "use strict";
  var box = document.getElementById("charts");
  if (!box || !window.echarts) return;
  var pct = function (v) { return v === null || v === undefined ? "-" : (v * 100).toFixed(1) + "%"; };
  function chart(id, option) {
    var c = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    option.animation = false;
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  fetch("/api/dashboard?" + box.dataset.query.replace(/(^|&)[a-z]+=(?=&|$)/g, ""), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
    .then(function (d) {
      document.getElementById("dash-total").textContent = "筛选范围内共 " + d.total + " 份报告";
      var years = d.years.map(String);
      chart("c-years", { title: { text: "各年度报告数" }, tooltip: {}, xAxis: { type: "category", data: years }, yAxis: { type: "value" },
        series: [{ type: "bar", data: d.reports_by_year, itemStyle: { color: "#8b1a1a" } }] });
      chart("c-regions", { title: { text: "各地区报告数" }, tooltip: {}, grid: { left: 120 },
        xAxis: { type: "value" }, yAxis: { type: "category", data: d.regions.map(function (r) { return r[0]; }).reverse() },
        series: [{ type: "bar", data: d.regions.map(function (r) { return r[1]; }).reverse(), itemStyle: { color: "#c0504d" } }] });
      chart("c-errors", { title: { text: "有错误的报告占比" }, tooltip: { valueFormatter: pct }, xAxis: { type: "category", data: years },
        yAxis: { type: "value", max: 1, axisLabel: { formatter: pct } }, series: [{ type: "line", data: d.error_share, areaStyle: {} }] });
      chart("c-outcomes", { title: { text: "办理结果构成" }, tooltip: { trigger: "item" }, legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["30%", "62%"], data: d.outcomes }] });
      chart("c-trends", { title: { text: "指标逐年变化" }, tooltip: { trigger: "axis", valueFormatter: pct }, legend: { top: 34, type: "scroll" },
        grid: { top: 80 }, xAxis: { type: "category", data: years }, yAxis: { type: "value", axisLabel: { formatter: pct } },
        series: d.indicators.map(function (i) { return { name: i.name, type: "line", data: i.values, connectNulls: true }; }) });
      var rk = d.ranking;
      chart("c-ranking", { title: { text: (rk.year || "") + " 年" + rk.name + "排名（前 20）" }, tooltip: { valueFormatter: pct }, grid: { left: 120 },
        xAxis: { type: "value", axisLabel: { formatter: pct } }, yAxis: { type: "category", data: rk.ranked.map(function (r) { return r.name; }).reverse() },
        series: [{ type: "bar", data: rk.ranked.map(function (r) { return r.value; }).reverse(), itemStyle: { color: "#4f81bd" } }] });
      box.dataset.ready = "1";
    })
    .catch(function (e) { document.getElementById("dash-total").textContent = "加载失败：" + e.message; });
})();

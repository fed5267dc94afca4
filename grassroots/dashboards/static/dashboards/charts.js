/* Draws every chart of the page (templates/cotton/chart.html): its data sits in a json_script,
   so no inline script is needed (CSP). Bar charts only (the vendored ECharts holds the bar
   chart, the grid and the SVG renderer: see scripts/echarts/entry.js). Redraws on resize;
   no animation when the reader asks for reduced motion. */
(function () {
  "use strict";
  // The same colours as .chart-legend__swatch--N in dashboards.css.
  var PALETTE = ["#c8102e", "#1f6fd1", "#2e8b57", "#d98c00", "#7a4fc9", "#5f6b7a"];

  function css(name, fallback) {
    var v = getComputedStyle(document.documentElement).getPropertyValue(name);
    return (v && v.trim()) || fallback;
  }

  function format(unit, value) {
    if (value === null || value === undefined) return "";
    if (unit === "pct") return value.toFixed(1) + "%";
    if (unit === "score") return value.toFixed(1);
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function option(spec, reduced) {
    var ink = css("--ink", "#1f2328");
    var muted = css("--muted", "#6b7280");
    var line = css("--line", "#e5e7eb");
    var horizontal = spec.kind === "hbar";
    var many = spec.series.length > 1;
    var category = {
      type: "category",
      data: spec.categories,
      inverse: horizontal, // a ranking reads top-down, best first
      axisLabel: { color: ink, fontSize: 12, width: horizontal ? 96 : undefined, overflow: "truncate", hideOverlap: !horizontal },
      axisLine: { lineStyle: { color: line } },
      axisTick: { show: false },
    };
    var value = {
      type: "value",
      max: spec.unit === "pct" ? 100 : null,
      axisLabel: { color: muted, fontSize: 11, formatter: function (v) { return format(spec.unit, v); } },
      splitLine: { lineStyle: { color: line } },
    };
    return {
      animation: !reduced,
      color: PALETTE,
      textStyle: { fontFamily: "inherit" },
      grid: { left: 8, right: horizontal ? 48 : 8, top: 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: spec.series.map(function (s) {
        return {
          type: "bar",
          name: s.name,
          data: s.data,
          barMaxWidth: 28,
          label: {
            // Values on the bars: the tooltip is not bundled (weight), the table has them too.
            show: horizontal || !many,
            position: horizontal ? "right" : "top",
            color: ink,
            fontSize: 11,
            formatter: function (p) { return format(spec.unit, p.value); },
          },
        };
      }),
    };
  }

  function size(el, spec) {
    // Horizontal bars: a row per category, so long lists stay readable on a phone.
    if (spec.kind === "hbar") {
      var rows = spec.categories.length * Math.max(1, spec.series.length);
      el.style.height = Math.max(160, Math.min(900, 28 + rows * 26)) + "px";
    }
  }

  function draw() {
    if (!window.echarts) return;
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      size(el, spec);
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option(spec, reduced));
      el.setAttribute("data-drawn", "true");
      charts.push(chart);
    });
    // Follow each container's width (a phone turned, a sidebar shown), not only the window's.
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) {
          var chart = window.echarts.getInstanceByDom(entry.target);
          if (chart) chart.resize();
        });
      });
      document.querySelectorAll(".chart[data-drawn]").forEach(function (el) { observer.observe(el); });
    } else {
      window.addEventListener("resize", function () {
        charts.forEach(function (c) { c.resize(); });
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();

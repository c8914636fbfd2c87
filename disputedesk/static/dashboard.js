// Draw each dashboard table as a chart (Chart.js, vendored); the tables stay the source.
// A click on a bar or point opens the same list of cases as the table cell it was drawn from.
(function () {
  "use strict";
  var COLOURS = ["#2f6fdf", "#e8833a", "#3aa76d", "#c94f7c", "#7a5cc7", "#8a8f98", "#d4b106", "#1b9aaa", "#b5523b"];

  function cellsOf(table) {
    return Array.prototype.map.call(table.tBodies[0].rows, function (row) { return row.cells; });
  }

  function draw(box) {
    var table = document.getElementById(box.dataset.table);
    if (!table || !window.Chart || box.dataset.drawn) { return; }
    box.dataset.drawn = "1";
    var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent; });
    var rows = cellsOf(table);
    var series = box.dataset.series.split(",").map(Number);
    var line = box.dataset.line ? Number(box.dataset.line) : null;
    var kind = box.dataset.chart;
    var labels = rows.map(function (cells) {
      return kind === "credits" ? cells[0].textContent + " / " + cells[1].textContent : cells[0].textContent;
    });
    var value = function (cells, i) { var v = cells[i].dataset.value; return v === "" ? null : Number(v); };
    var datasets = series.map(function (col, k) {
      return { type: kind === "line" ? "line" : "bar", label: heads[col], column: col,
               backgroundColor: COLOURS[k % COLOURS.length], borderColor: COLOURS[k % COLOURS.length],
               data: rows.map(function (cells) { return value(cells, col); }), yAxisID: "y",
               stack: kind === "stack" ? "all" : undefined };
    });
    if (line !== null) {
      datasets.push({ type: "line", label: heads[line], column: line, borderColor: "#222", backgroundColor: "#222",
                      data: rows.map(function (cells) { return value(cells, line); }),
                      yAxisID: kind === "pareto" ? "share" : "y" });
    }
    var scales = { y: { beginAtZero: true, stacked: kind === "stack" }, x: { stacked: kind === "stack" } };
    if (kind === "pareto") { scales.share = { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } }; }
    var chart = new window.Chart(box.querySelector("canvas"), {
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: box.dataset.horizontal ? "y" : "x", scales: scales,
        onClick: function (event, elements) {
          if (!elements.length) { return; }
          var hit = elements[0];
          var link = rows[hit.index][datasets[hit.datasetIndex].column].querySelector("a");
          if (link) { window.location.assign(link.href); }
        },
        onHover: function (event, elements) { event.native.target.style.cursor = elements.length ? "pointer" : "default"; }
      }
    });
    box.chart = chart;
  }

  function drawAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-chart]"), draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
}());

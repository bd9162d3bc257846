/* The quarterly comparison charts (Chart.js), with the office's targets drawn as lines. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var d = JSON.parse(source.textContent);
  function pct(values) { return values.map(function (v) { return v === null ? null : Math.round(v * 1000) / 10; }); }
  function flat(value) { return d.quarters.map(function () { return value * 100; }); }
  // A rate of 100% (or 0%) lies on the plot's edge, where Chart.js cuts its point (and the
  // line) in half: drawn whole, over the room the legend and the axis labels leave.
  var whole = { line: { clip: false } };

  new Chart(document.getElementById("chart-complaints"), {
    type: "bar",
    data: {
      labels: d.quarters,
      datasets: [
        { type: "bar", label: d.labels.complaints, data: d.complaints, backgroundColor: "rgba(54,162,235,.6)", yAxisID: "count" },
        { type: "line", label: d.labels.handling, data: pct(d.handling), borderColor: "#28a745", yAxisID: "rate", tension: 0.2 },
        { type: "line", label: d.labels.handlingTarget, data: flat(d.targets.complaint_handling), borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0, yAxisID: "rate" }
      ]
    },
    options: { animation: false, datasets: whole, scales: { count: { position: "left", beginAtZero: true, ticks: { precision: 0 } },
                                            rate: { position: "right", min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } } }
  });

  new Chart(document.getElementById("chart-rates"), {
    type: "line",
    data: {
      labels: d.quarters,
      datasets: [
        { label: d.labels.satisfaction, data: pct(d.satisfaction), borderColor: "#007bff", tension: 0.2 },
        { label: d.labels.revisit, data: pct(d.revisit), borderColor: "#6f42c1", tension: 0.2 },
        { label: d.labels.satisfactionTarget, data: flat(d.targets.satisfaction), borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0 }
      ]
    },
    // Each quarter in the middle of its column, as on the bar chart: the last one's points not
    // on the right edge, its label under them.
    options: { animation: false, datasets: whole,
               scales: { x: { offset: true }, y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } } }
  });
})();

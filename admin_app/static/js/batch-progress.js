/* Polls a batch's progress while a worker runs it, and updates the bar. */
(function () {
  "use strict";
  var box = document.getElementById("batch-progress");
  if (!box) { return; }
  var start = document.getElementById("batch-bar");
  start.style.width = start.getAttribute("aria-valuenow") + "%";
  if (box.dataset.running !== "yes") { return; }
  function set(id, value) { document.getElementById(id).textContent = value; }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (p) {
        var percent = p.total ? Math.round(100 * p.processed / p.total) : 100;
        var bar = document.getElementById("batch-bar");
        bar.style.width = percent + "%";
        bar.setAttribute("aria-valuenow", percent);  // what a screen reader reads out
        bar.textContent = percent + "%";
        set("batch-processed", p.processed);
        set("batch-done", p.done);
        set("batch-skipped", p.skipped);
        set("batch-failed", p.failed);
        set("batch-status", p.status_label);
        if (p.status === "queued" || p.status === "running") {
          window.setTimeout(poll, 1000);
        } else {
          bar.classList.remove("progress-bar-striped", "progress-bar-animated");
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();

// Polls an import's progress while a background job checks or imports it; reloads the page
// when the job has finished, and shows the "stopped" warning when it went silent.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) {
    return;
  }
  var bar = box.querySelector(".progress-bar");
  bar.style.width = bar.getAttribute("aria-valuenow") + "%";
  if (box.getAttribute("data-stale") === "1") {
    return;
  }
  var text = box.querySelector(".progress-text");
  var stale = box.querySelector(".import-stale");

  function show(data) {
    bar.style.width = data.percent + "%";
    bar.setAttribute("aria-valuenow", String(data.percent));
    text.textContent = data.done + " / " + (data.total || "?");
  }

  function poll() {
    fetch(box.getAttribute("data-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (!data.running) {
          window.location.reload();
        } else if (data.stale) {
          stale.classList.remove("d-none");
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 500);
})();

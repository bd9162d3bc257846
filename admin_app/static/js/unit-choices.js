/* The unit box of the visitor and parcel forms: suggestions from the panel's unit reader
   ("3-1-601", "3栋1单元601") as the person types; the server reads the text either way. */
(function () {
  "use strict";
  var list = document.getElementById("unit-choices");
  var input = document.querySelector("input[data-units-url]");
  if (!list || !input) { return; }
  var timer = null, asked = "";
  function ask() {
    var text = input.value.trim();
    if (!text || text === asked) { return; }
    asked = text;
    fetch(input.dataset.unitsUrl + "?q=" + encodeURIComponent(text), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (labels) {
        list.textContent = "";
        labels.forEach(function (label) {
          var option = document.createElement("option");
          option.value = label;
          list.appendChild(option);
        });
      })
      .catch(function () { /* no suggestions on a weak connection: typing still works */ });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
})();

/* The printable pages' Print button (a script file, not an onclick attribute: the pages are
   served under a Content-Security-Policy that allows no inline script). */
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();

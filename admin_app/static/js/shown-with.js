// A field that matters only for one choice of another (data-shown-with="channel:company", the
// company's reference of a forwarded call) is hidden while that choice is not made, so the desk
// does not read past it. A field holding a value always shows: nothing typed is hidden. Without
// script every field shows, as before. Listened to through jQuery when the page has it: select2
// tells its change to jQuery's handlers only.
(function () {
  function follow(field) {
    var rule = field.getAttribute("data-shown-with").split(":");
    var choice = document.getElementById(rule[0]);
    var group = field.closest(".form-group") || field.parentNode;
    if (!choice || !group) {
      return;
    }
    var wanted = rule[1].split(",");
    function update() {
      group.hidden = wanted.indexOf(choice.value) < 0 && !field.value;
    }
    if (window.jQuery) {
      window.jQuery(choice).on("change", update);
    } else {
      choice.addEventListener("change", update);
    }
    update();
  }
  function start() {
    document.querySelectorAll("[data-shown-with]").forEach(follow);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

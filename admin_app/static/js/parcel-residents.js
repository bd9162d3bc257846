/* The parcel form's "For them" beside each resident of the unit: with JavaScript it fills the
   recipient at once, without sending the form back (a weak connection at the gate); without,
   the button sends it and the server fills it in. */
(function () {
  "use strict";
  var recipient = document.getElementById("recipient_name");
  if (!recipient) { return; }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".pick-resident") : null;
    if (!button) { return; }
    event.preventDefault();
    recipient.value = button.getAttribute("data-name");
    recipient.classList.remove("is-invalid");
    recipient.focus();
  });
})();

/* What Flask-Admin's templates did with inline script, done from this file: the
   Content-Security-Policy lets no inline handler or javascript: link run (panel/inline_free.py
   rewrites them as its templates load).
   - a link to "#" (a tab, a dropdown toggle, a disabled page of the pager, a filter's name)
     goes nowhere, as javascript:void(0) did; its own handlers still run;
   - a list action ("With selected" → data-action) runs through Flask-Admin's modelActions;
   - a delete button (data-confirm) asks first;
   - a list cell edited in place (x-editable) reads its options (data-source, data-value) as
     JSON: x-editable would evaluate them with new Function, which the policy refuses. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    var action = target.closest("a[data-action]");
    if (action) {
      event.preventDefault();
      if (window.modelActions) { window.modelActions.execute(action.getAttribute("data-action")); }
      return;
    }
    var confirmed = target.closest("button[data-confirm]");
    if (confirmed && !window.confirm(confirmed.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    if (target.closest('a[href="#"]')) { event.preventDefault(); }
  }, true);  // first: the page's own handlers may stop the click before it bubbles up
  // Flask-Admin announces its form helpers right after x-editable (when a list has one) has
  // loaded, before any cell is set up.
  if (!window.jQuery) { return; }
  window.jQuery(document).on("adminFormReady", function () {
    var utils = window.jQuery.fn.editableutils;
    if (!utils) { return; }
    utils.tryParseJson = function (value, safe) {
      if (typeof value === "string" && /^[\{\[].*[\}\]]$/.test(value)) {
        try { return JSON.parse(value); } catch (error) { if (!safe) { throw error; } }
      }
      return value;
    };
  });
})();

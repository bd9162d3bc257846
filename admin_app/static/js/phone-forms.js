/* The phone pages' forms, sent over a weak connection (a basement, a lift lobby, the gate).
   A plain form submit that cannot reach the server leaves the browser's own error page and
   loses what was typed, the resident's signature included. Here each form is sent with
   fetch (the same method, fields, CSRF token and files); when the connection fails, a message
   says so next to the button and every field stays as typed, ready to be sent again. When the
   server answers, its page (after any redirect) replaces this one, as a plain submit would.
   The messages come from the page (data- attributes of <body>), translated there. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.history.replaceState) { return; }
  var TIMEOUT_MS = 60000;  // a request that hangs this long is treated as not sent
  var texts = document.body.dataset;

  function alertFor(form) {
    var box = form.querySelector(".send-failed");
    if (!box) {
      box = document.createElement("div");
      box.className = "alert alert-danger send-failed mt-2";
      box.setAttribute("role", "alert");
      var button = form.querySelector("[type=submit]");
      if (button) {
        button.parentNode.insertBefore(box, button);
      } else {
        form.insertBefore(box, form.firstChild);
      }
    }
    return box;
  }

  function showFailure(form, message) {
    var box = alertFor(form);
    box.textContent = message;
    box.hidden = false;
    box.scrollIntoView({ block: "center" });
  }

  function request(form, submitter) {
    var method = (form.getAttribute("method") || "get").toUpperCase();
    var body;
    try { body = new FormData(form, submitter || undefined); } catch (e) { body = new FormData(form); }
    var url = form.action || window.location.href;
    var options = { method: method, credentials: "same-origin", redirect: "follow" };
    if (method === "GET") {
      var query = new URLSearchParams(body).toString();
      url = url.split("#")[0].split("?")[0] + (query ? "?" + query : "");
    } else {
      options.body = body;
    }
    return { url: url, options: options };
  }

  // The new page read as a plain submit opens it: from its top, the focus in its [autofocus]
  // field (the gate's code field: a handheld scanner types the next code and Enter into
  // it), or else on its messages (a screen reader reads what was done first). Written into
  // this document, it gets neither by itself: the browser applies autofocus once per
  // document, and keeps the scroll position of the form, far down a long signing page, so
  // the messages would be above the screen and the finger over another order's button.
  function arrived() {
    window.scrollTo(0, 0);
    var target = document.querySelector("[autofocus]") || document.getElementById("messages");
    if (target) { target.focus(); }
  }

  // The server's page in place of this one: the URL it ended at (a redirect), its history
  // entry replacing the form's, so Back does not offer to send the form again. The address
  // changes once the page has loaded (its images too), as after a plain submit.
  function show(response, html) {
    var done = false;
    function settle() {
      if (done) { return; }
      done = true;
      window.history.replaceState(null, "", response.url);
    }
    document.open();  // drops every listener: the ones for this page's arrival come after
    window.addEventListener("DOMContentLoaded", arrived);
    window.addEventListener("load", settle);
    document.write(html);
    document.close();
    setTimeout(settle, 15000);  // an image that never arrives must not keep the old address
  }

  function send(form, submitter) {
    var req = request(form, submitter);
    var button = submitter || form.querySelector("[type=submit]");
    var label = button ? button.textContent : "";
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    if (controller) { req.options.signal = controller.signal; }
    form.dataset.sending = "1";
    if (button) { button.disabled = true; if (texts.sending) { button.textContent = texts.sending; } }

    function restore() {
      clearTimeout(timer);
      delete form.dataset.sending;
      if (button) { button.disabled = false; button.textContent = label; }
    }

    fetch(req.url, req.options).then(function (response) {
      // A proxy's "bad gateway" or the app's own error page would replace the form with a
      // page that has nothing typed in it: keep the form and say so instead.
      if (response.status >= 500) {
        restore();
        showFailure(form, texts.sendRefused);
        return null;
      }
      return response.text().then(function (html) {
        clearTimeout(timer);
        show(response, html);
      });
    }).catch(function () {
      restore();
      showFailure(form, texts.sendFailed);
    });
  }

  // Listening on the document runs after the form's own handlers (the signature pad refuses
  // an unsigned form): a submit they stopped is left alone.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) { return; }
    if (form.target && form.target !== "_self") { return; }
    event.preventDefault();
    if (form.dataset.sending) { return; }  // a second tap while the first is on its way
    var box = form.querySelector(".send-failed");
    if (box) { box.hidden = true; }
    send(form, event.submitter);
  });
})();

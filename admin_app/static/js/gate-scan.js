/* Camera scanning on the gate page, where the browser can do it itself: the BarcodeDetector
   API (Chrome and Edge on Android, ChromeOS, macOS). Elsewhere the button stays hidden and the
   guard uses a handheld scanner (it types into the focused field and presses Enter) or types
   the pass number or plate. No third-party code: there is no internet at the gate. */
(function () {
  "use strict";
  // Choosing another gate (an office with several estates) shows its checks at once.
  var estate = document.getElementById("estate_id");
  if (estate) {
    estate.addEventListener("change", function () {
      if (estate.form.requestSubmit) { estate.form.requestSubmit(); } else { estate.form.submit(); }
    });
  }
  var button = document.getElementById("camera-button");
  var video = document.getElementById("camera-view");
  var field = document.getElementById("code");
  var form = document.getElementById("check-form");
  if (!button || !video || !field || !form) { return; }
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var stream = null, detector = null, timer = null;

  function stop() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.classList.add("d-none");
  }

  function scan() {
    detector.detect(video).then(function (codes) {
      if (codes.length && codes[0].rawValue) {
        field.value = codes[0].rawValue;
        stop();
        // requestSubmit, as the button does: the phone pages' sending (js/phone-forms.js)
        // keeps the code and says so if the connection drops.
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
        return;
      }
      timer = setTimeout(scan, 200);
    }).catch(function () { timer = setTimeout(scan, 400); });
  }

  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") < 0) { return; }
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      if (stream) { stop(); return; }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          video.classList.remove("d-none");
          return video.play();
        })
        .then(scan)
        .catch(function () { stop(); button.disabled = true; });
    });
  });
})();

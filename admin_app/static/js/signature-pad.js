/* A signature pad for touch, pen and mouse (Pointer Events). The drawing is sent as a PNG
   data URL in the hidden #signature-data field; an empty pad cannot be submitted. */
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  if (!canvas) { return; }
  var field = document.getElementById("signature-data");
  var form = canvas.closest("form");
  var ctx = canvas.getContext("2d");
  var drawing = false, strokes = 0, last = null, drawnWidth = 0;

  function resize(force) {
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var width = canvas.offsetWidth, height = canvas.offsetHeight;
    // Phones fire resize while scrolling (the address bar): keep the drawing unless the
    // pad's width really changed, because resizing a canvas erases it.
    if (force !== true && width === drawnWidth) { return; }
    // A scrollbar appearing or a rotated phone changes the width, and resizing a canvas
    // erases it: keep a copy of what was signed and draw it back at the new size.
    var kept = null;
    if (force !== true && strokes > 0) {
      kept = document.createElement("canvas");
      kept.width = canvas.width;
      kept.height = canvas.height;
      kept.getContext("2d").drawImage(canvas, 0, 0);
    }
    drawnWidth = width;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    if (kept) {
      ctx.drawImage(kept, 0, 0, width, height);
      field.value = canvas.toDataURL("image/png");
      return;
    }
    strokes = 0;
    field.value = "";
    canvas.classList.remove("signed");
  }

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    ctx.beginPath();
    ctx.arc(last.x, last.y, 1, 0, 2 * Math.PI);
    ctx.fill();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    event.preventDefault();
    var p = point(event);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
  });
  function end() {
    if (!drawing) { return; }
    drawing = false;
    strokes += 1;
    field.value = canvas.toDataURL("image/png");
    canvas.classList.add("signed");
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  canvas.addEventListener("pointerleave", end);

  document.getElementById("signature-clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    resize(true);
  });
  form.addEventListener("submit", function (event) {
    if (strokes === 0) {
      event.preventDefault();
      document.getElementById("signature-missing").classList.add("d-block");
    }
  });
  window.addEventListener("resize", resize);
  // A form the server sent back (the fee forgotten, say) carries what the resident signed:
  // draw it again rather than ask for a second signature.
  var signed = field.value;
  resize(true);
  function ready() { canvas.dataset.ready = "1"; }  // lets browser tests wait for the pad
  if (/^data:image\/png;base64,/.test(signed)) {
    var image = new Image();
    image.onload = function () {
      ctx.drawImage(image, 0, 0, canvas.offsetWidth, canvas.offsetHeight);
      strokes = 1;
      field.value = signed;
      canvas.classList.add("signed");
      ready();
    };
    image.onerror = ready;
    image.src = signed;
  } else {
    ready();
  }
})();

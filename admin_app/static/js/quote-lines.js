/* The quote's lines (templates/shared/_quote_lines_fields.html): picking an item fills in its
   prices per unit (still editable) and shows the typed-line fields only for "typed"; "Add a
   line" adds a row here instead of sending the page; each line's total and the quote's total
   follow what is typed. The server computes the quote again, to the cent, from what is sent. */
(function () {
  "use strict";
  var box = document.getElementById("quote-lines");
  if (!box) { return; }
  var TYPED = "typed";

  function cents(text) {
    var value = parseFloat(String(text || "").replace(",", "."));
    return isFinite(value) ? value : null;
  }

  function money(value) { return (Math.round(value * 100) / 100).toFixed(2); }

  function rows() { return box.querySelectorAll(".quote-line-row"); }

  function field(row, name) { return row.querySelector(".line-" + name); }

  function picked(row) {
    var select = field(row, "item");
    return select.options[select.selectedIndex] || null;
  }

  function showTyped(row) {
    var option = picked(row);
    var typed = option && option.value === TYPED;
    row.querySelector(".typed-fields").classList.toggle("d-none", !typed);
    // "as listed" means nothing on a typed line: its materials are none unless typed.
    ["labour", "materials"].forEach(function (name) {
      var input = field(row, name);
      if (input.dataset.listed === undefined) { input.dataset.listed = input.placeholder; }
      input.placeholder = typed ? (name === "materials" ? "0.00" : "") : input.dataset.listed;
    });
  }

  function lineTotal(row) {
    var option = picked(row);
    var quantity = cents(field(row, "quantity").value);
    var labour = cents(field(row, "labour").value);
    var materials = cents(field(row, "materials").value);
    if (labour === null && option) { labour = cents(option.dataset.labour); }
    if (materials === null && option) { materials = cents(option.dataset.materials) || 0; }
    if (quantity === null || labour === null || !option || !option.value) { return null; }
    return Math.round(quantity * labour * 100) / 100 + Math.round(quantity * (materials || 0) * 100) / 100;
  }

  function recount() {
    var sum = 0, any = false;
    Array.prototype.forEach.call(rows(), function (row) {
      var total = lineTotal(row);
      row.querySelector(".line-total").textContent = total === null ? "" : money(total);
      if (total !== null) { sum += total; any = true; }
    });
    document.getElementById("quote-lines-total").textContent = money(sum);
    document.getElementById("quote-lines-sum").classList.toggle("d-none", !any);
  }

  function picking(row) {
    var option = picked(row);
    if (option && option.dataset.labour !== undefined) {
      field(row, "labour").value = option.dataset.labour;
      field(row, "materials").value = option.dataset.materials;
    } else if (option && option.value === TYPED) {
      field(row, "labour").value = "";
      field(row, "materials").value = "";
      field(row, "description").focus();
    }
    showTyped(row);
    recount();
  }

  function addRow(event) {
    event.preventDefault();
    var all = rows();
    var last = all[all.length - 1];
    var copy = last.cloneNode(true);
    var index = all.length;
    copy.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/^lines-\d+-/, "lines-" + index + "-")); }
      });
    });
    copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    copy.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    copy.querySelectorAll(".invalid-feedback").forEach(function (el) { el.remove(); });
    field(copy, "quantity").value = "1";
    field(copy, "item").selectedIndex = 0;
    copy.querySelector("legend").textContent = box.dataset.lineLabel.replace("__n__", index + 1);
    last.parentNode.insertBefore(copy, last.nextSibling);
    showTyped(copy);
    recount();
    field(copy, "item").focus();
  }

  box.addEventListener("change", function (event) {
    var row = event.target.closest(".quote-line-row");
    if (row && event.target.classList.contains("line-item")) { picking(row); }
  });
  box.addEventListener("input", recount);
  document.getElementById("add-line").addEventListener("click", addRow);
  Array.prototype.forEach.call(rows(), showTyped);
  recount();
}());

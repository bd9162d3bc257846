// select2 3.5 (Flask-Admin's pickers) draws its box as a link with no name of its own: a screen
// reader announces "link" and nothing else. Each box is named after its field's label the moment
// select2 builds it (forms and filters build theirs after this script runs).
(function ($, script) {
  if (!$ || !$.fn.select2) {
    return;
  }
  function labelFor(element) {
    var label = element.id && document.querySelector('label[for="' + element.id + '"]');
    if (label && !label.id) {
      label.id = element.id + "-label";
    }
    return label;
  }
  function name(element) {
    var container = element.id && document.getElementById("s2id_" + element.id);
    var label = labelFor(element);
    var text = (label && label.textContent.trim()) || element.getAttribute("placeholder") ||
      element.getAttribute("data-placeholder") || element.getAttribute("title") || "";
    if (!container || !text) {
      return;
    }
    // The box reads "<label> <what is chosen>": the name holds the text a person sees.
    var choice = container.querySelector("a.select2-choice");
    var chosen = container.querySelector(".select2-chosen");
    if (choice && chosen && chosen.id && label) {
      choice.setAttribute("aria-labelledby", label.id + " " + chosen.id);
    } else if (choice) {
      choice.setAttribute("aria-label", text);
    }
    container.querySelectorAll("input.select2-input, input.select2-focusser").forEach(function (part) {
      if (!part.getAttribute("aria-label") && !part.labels.length) {
        part.setAttribute("aria-label", text);
      }
    });
  }
  var select2 = $.fn.select2;
  $.fn.select2 = function () {
    var result = select2.apply(this, arguments);
    this.each(function () {
      name(this);
    });
    return result;
  };
  $.extend($.fn.select2, select2);

  // A chosen item's remove button (multi-select boxes) is a link drawn as a cross.
  var removeText = script.getAttribute("data-remove");
  function nameRemoveButtons(root) {
    (root.querySelectorAll ? root : document).querySelectorAll(".select2-search-choice-close:not([aria-label])")
      .forEach(function (button) {
        var item = button.parentElement && button.parentElement.textContent.trim();
        button.setAttribute("aria-label", removeText + (item ? " " + item : ""));
      });
  }
  // A table wider than a phone scrolls sideways: it takes the focus, so arrow keys can scroll it.
  function focusableScrollers() {
    document.querySelectorAll(".table-responsive:not([tabindex])").forEach(function (box) {
      box.setAttribute("tabindex", "0");
    });
  }
  $(function () {
    focusableScrollers();
    nameRemoveButtons(document);
    new MutationObserver(function () {
      nameRemoveButtons(document);
    }).observe(document.body, { childList: true, subtree: true });
  });
})(window.jQuery, document.currentScript);


// A list column's help (Flask-Admin's column_descriptions) is an empty link that only shows a
// tooltip: a screen reader hears "link" with no name, and nothing follows it. It becomes an
// image named by its help text, which a screen reader reads and a mouse still hovers.
(function () {
  document.querySelectorAll('th a[data-role="tooltip"]').forEach(function (link) {
    var help = document.createElement("span");
    help.className = link.className + " column-help";
    help.setAttribute("role", "img");
    help.setAttribute("aria-label", link.getAttribute("title") || "");
    help.title = link.getAttribute("title") || "";
    link.replaceWith(help);
  });
})();


// A flash message's × (Flask-Admin's layout) is hidden from screen readers yet takes the focus:
// a keyboard reaches a button no one announces. It stays for the mouse, out of the Tab order.
(function () {
  document.querySelectorAll('.alert .close[aria-hidden="true"]').forEach(function (button) {
    button.setAttribute("tabindex", "-1");
  });
})();

// The panel's one date and time picker: Flask-Admin's daterangepicker on every date field and
// list filter, in the page's language (#date-picker-locale, admin_app.i18n.date_picker_locale),
// the same on every page:
// - a day closes the calendar on pick; a moment closes on Apply or a quick choice;
// - any picker closes on Escape (keeping the value it had), on a click or focus elsewhere;
// - it opens below its field, or above when below would cover the form's buttons or leave the
//   screen, and never wider than the screen;
// - the field stays typeable: what is typed is read when it is a whole date, never rewritten;
// - quick choices: a field's own (data-quick, worked out by the server on the office clock),
//   and today / this week / this month on the lists' range filters.
// This script runs before the picker's is loaded, and forms build their pickers as soon as it
// is, so the plugin is wrapped the moment it is installed: every picker, filters added later too.
(function ($) {
  var data = document.getElementById("date-picker-locale");
  if (!$ || !data) {
    return;
  }
  var settings = JSON.parse(data.textContent);
  var rangeLabels = settings.ranges;
  delete settings.ranges;
  var installed;
  Object.defineProperty($.fn, "daterangepicker", {
    configurable: true,
    get: function () {
      return installed;
    },
    set: function (plugin) {
      installed = function (options, callback) {
        var merged = $.extend({}, options || {});
        // Flask-Admin's filters write moments with seconds; the panel prints minutes.
        if (merged.format === "YYYY-MM-DD HH:mm:ss") {
          merged.format = "YYYY-MM-DD HH:mm";
        }
        merged.locale = $.extend({}, settings, merged.locale || {});
        if (merged.singleDatePicker && !merged.timePicker) {
          merged.autoApply = true;
        }
        if (!merged.singleDatePicker && !merged.ranges && !$(this).is("[data-quick]")) {
          merged.ranges = filterRanges();
        }
        var result = plugin.call(this, merged, callback);
        this.each(function () {
          var picker = $(this).data("daterangepicker");
          if (picker && !picker.panelReady) {
            enhance(picker);
          }
        });
        return result;
      };
    },
  });

  function filterRanges() {
    var ranges = {};
    ranges[rangeLabels.today] = [moment().startOf("day"), moment().endOf("day")];
    ranges[rangeLabels.thisWeek] = [moment().startOf("isoWeek"), moment().endOf("isoWeek")];
    ranges[rangeLabels.thisMonth] = [moment().startOf("month"), moment().endOf("month")];
    return ranges;
  }

  function enhance(picker) {
    var $input = picker.element;
    var container = picker.container;
    var move = picker.move, hide = picker.hide;
    var picked = false; // the person chose something in the calendar since it opened
    var quiet = false; // focus given back to the field after Escape: it stays closed
    picker.panelReady = true;
    container.addClass("panel-date-picker");

    // The plugin rewrites the field on every key (2026-1 became 2026-01-01 mid-typing).
    $input.off("keyup.daterangepicker").on("input.panelDatePicker", function () {
      readTyped(picker);
    });

    picker.move = function () {
      place(this, move);
    };

    // Closing without a choice keeps the value the field had (Flask-Admin proposes "now" to an
    // empty moment as the calendar opens: a glance at it must not fill the field).
    picker.hide = function (event) {
      if (!picked) {
        this.startDate = this.oldStartDate.clone();
        this.endDate = this.oldEndDate.clone();
      }
      $(document).off(".panelDatePickerOpen");
      var result = hide.call(this, event);
      if (this.container.hasClass("date-inline")) {
        this.container.removeClass("date-inline").appendTo(this.parentEl);
      }
      return result;
    };

    $input.on("show.daterangepicker", function () {
      if (quiet) {
        picker.hide();
        return;
      }
      picked = false;
      $(document).on("focusin.panelDatePickerOpen", function (event) {
        var inside = $(event.target).closest($input.add(container)).length;
        if (!inside) {
          picker.hide();
        }
      });
    });
    container.on("mousedown.panelDatePicker", "td.available, .ranges li", function () {
      picked = true;
    });
    container.on("change.panelDatePicker", "select", function () {
      picked = true;
    });
    $input.add(container).on("keydown.panelDatePicker", function (event) {
      if (event.key === "Escape" && picker.isShowing) {
        event.preventDefault();
        event.stopPropagation();
        picked = false;
        picker.hide();
        if (document.activeElement !== $input[0]) {
          quiet = true;
          $input[0].focus(); // back to the field, to type on
          quiet = false;
        }
      }
    });
    // On a phone a range's parts stack: its quick choices first, then the first month, the last.
    if (!picker.singleDatePicker && window.matchMedia("(max-width: 575.98px)").matches) {
      container.prepend(container.find(".calendar.left"), container.find(".calendar.right"));
      container.prepend(container.find(".ranges"));
    }
    addQuickChoices(picker, function () {
      picked = true;
    });
  }

  // A whole date typed in the field moves the calendar to it; a half-typed one is left alone.
  function readTyped(picker) {
    var text = $.trim(picker.element.val());
    var parts = picker.singleDatePicker ? [text] : text.split(picker.separator);
    var dates = $.map(parts, function (part) {
      return moment(part, picker.format, true);
    });
    if (!text || parts.length !== (picker.singleDatePicker ? 1 : 2)) {
      return;
    }
    for (var i = 0; i < dates.length; i++) {
      if (!dates[i].isValid()) {
        return;
      }
    }
    picker.startDate = dates[0];
    picker.endDate = dates[dates.length - 1];
    if (!picker.timePicker) {
      picker.endDate = picker.endDate.clone().endOf("day");
    }
    picker.oldStartDate = picker.startDate.clone();
    picker.oldEndDate = picker.endDate.clone();
    picker.updateView();
    picker.updateCalendars();
  }

  // Below the field if it fits on the screen without covering its form's buttons, else above;
  // else below if only the screen is too short (the page scrolls on); else, with no room for it
  // (a short form at the top of the page), in the form under its field, pushing the buttons down
  // (a list's filter, in its table, just opens below).
  function place(picker, move) {
    if (picker.container.hasClass("date-inline")) {
      return;
    }
    var tries = [["down", true], ["up", true], ["down", false]];
    for (var i = 0; i < tries.length; i++) {
      picker.drops = tries[i][0];
      move.call(picker);
      keepOnScreen(picker);
      if (fits(picker, tries[i][1])) {
        return;
      }
    }
    picker.drops = "down";
    if (picker.element.closest("table").length) {
      move.call(picker); // a list's filter row: nothing to save, the list can be covered
      keepOnScreen(picker);
    } else {
      picker.container.addClass("date-inline").insertAfter(picker.element);
    }
  }

  function fits(picker, onScreen) {
    var box = picker.container[0].getBoundingClientRect();
    if (onScreen && (box.top < 0 || box.bottom > window.innerHeight)) {
      return false;
    }
    var buttons = picker.element
      .closest("form")
      .find(":submit, .btn")
      .not(picker.container.find("*"))
      .not("table.filters *") // a filter's own remove button is no form button
      .filter(":visible");
    return !buttons.toArray().some(function (button) {
      var b = button.getBoundingClientRect();
      return b.left < box.right && b.right > box.left && b.top < box.bottom && b.bottom > box.top;
    });
  }

  // Within the screen's width, even where the page is wider than the screen (a phone showing a
  // wide list): moved sideways by what sticks out.
  function keepOnScreen(picker) {
    var margin = 8;
    var box = picker.container[0].getBoundingClientRect();
    var shift = 0;
    if (box.right > window.innerWidth - margin) {
      shift = window.innerWidth - margin - box.right;
    }
    if (box.left + shift < margin) {
      shift = margin - box.left;
    }
    if (shift) {
      var left = picker.container.offset().left - picker.parentEl.offset().left;
      picker.container.css({ left: left + shift, right: "auto" });
    }
  }

  // The field's quick choices, as buttons under the calendar: each fills the field and closes.
  function addQuickChoices(picker, chose) {
    var choices = picker.element.data("quick");
    if (!choices || !choices.length) {
      return;
    }
    var row = $('<div class="date-quick-choices"></div>');
    $.each(choices, function (_, choice) {
      $('<button type="button" class="btn btn-sm btn-outline-primary"></button>')
        .text(choice[0])
        .attr("data-value", choice[1])
        .on("click", function () {
          chose();
          picker.element.val(choice[1]);
          readTyped(picker);
          picker.clickApply();
          picker.element.trigger("change");
        })
        .appendTo(row);
    });
    picker.container.append(row);
  }
})(window.jQuery);

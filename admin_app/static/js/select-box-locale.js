// Flask-Admin's search boxes (select2 3.5: the unit, resident and estate pickers, the filters'
// choices) in the page's language: the texts come from the page (#select-box-locale,
// admin_app.i18n.select_box_locale). select2 is loaded before this script and the forms and
// filters build their boxes after it, so the defaults set here reach every box.
(function ($) {
  var data = document.getElementById("select-box-locale");
  if (!$ || !$.fn.select2 || !data) {
    return;
  }
  var texts = JSON.parse(data.textContent);
  // A text with a count: its form for one or for more, the count put in place of {n}.
  function counted(forms, n) {
    return (n === 1 ? forms.one : forms.other).replace("{n}", n);
  }
  $.extend($.fn.select2.defaults, {
    formatNoMatches: function () {
      return texts.noMatches;
    },
    formatSearching: function () {
      return texts.searching;
    },
    formatLoadMore: function () {
      return texts.loadMore;
    },
    formatAjaxError: function () {
      return texts.loadFailed;
    },
    formatMatches: function (matches) {
      return counted(texts.matches, matches);
    },
    formatInputTooShort: function (input, min) {
      return counted(texts.inputTooShort, min - input.length);
    },
    formatInputTooLong: function (input, max) {
      return counted(texts.inputTooLong, input.length - max);
    },
    formatSelectionTooBig: function (limit) {
      return counted(texts.selectionTooBig, limit);
    },
  });
})(window.jQuery);

// Flask-Admin's search boxes (select2 3.5: the unit, resident and estate pickers) in the page's
// language: the texts come from the page (#select-box-locale, admin_app.i18n.select_box_locale).
// select2 is loaded before this script and the forms build their boxes after it.
(function ($) {
  var data = document.getElementById("select-box-locale");
  if (!$ || !$.fn.select2 || !data) {
    return;
  }
  var texts = JSON.parse(data.textContent);
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
  });
})(window.jQuery);

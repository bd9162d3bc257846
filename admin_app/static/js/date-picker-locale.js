// Flask-Admin's date pickers (its filters and date fields) in the page's language: the labels
// and names come from the page (#date-picker-locale, admin_app.i18n.date_picker_locale).
// The picker's script is loaded after this one and used at once (filters are built as soon as
// it runs), so the plugin is wrapped the moment it is installed: every picker, including
// filters added later, gets these labels unless it asks for its own.
(function ($) {
  var data = document.getElementById("date-picker-locale");
  if (!$ || !data) {
    return;
  }
  var locale = JSON.parse(data.textContent);
  var installed;
  Object.defineProperty($.fn, "daterangepicker", {
    configurable: true,
    get: function () {
      return installed;
    },
    set: function (plugin) {
      installed = function (options, callback) {
        var merged = $.extend({}, options || {});
        merged.locale = $.extend({}, locale, merged.locale || {});
        return plugin.call(this, merged, callback);
      };
    },
  });
})(window.jQuery);

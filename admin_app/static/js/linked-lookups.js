// A resident box marked data-narrowed-by="unit" (panel/lookups.py) asks only for the residents
// of the unit picked in the same form: opened without typing, it lists them. select2 3.5 reads
// its ajax options' `data` anew for every search, so the unit is added at the moment of asking.
(function ($) {
  if (!$ || !$.fn.select2) {
    return;
  }
  function narrow(element) {
    var by = element.getAttribute("data-narrowed-by");
    var box = by && $(element).data("select2");
    var ajax = box && box.opts && box.opts.ajax;
    if (!ajax || ajax.narrowed) {
      return;
    }
    var data = ajax.data;
    ajax.data = function (term, page, context) {
      var params = data.call(this, term, page, context);
      var picked = document.getElementById(by);
      if (picked && picked.value) {
        params[by] = picked.value;
      }
      return params;
    };
    ajax.narrowed = true;
  }
  var select2 = $.fn.select2;
  $.fn.select2 = function () {
    var result = select2.apply(this, arguments);
    this.each(function () {
      narrow(this);
    });
    return result;
  };
  $.extend($.fn.select2, select2);
})(window.jQuery);

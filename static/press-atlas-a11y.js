/* Names for Datasette's table filter controls. Its table template (1.0a41)
   gives the filter selects, the filter value box and the sort select no
   label, so a screen reader announces them only as "combo box" or "edit
   text". Each gets an aria-label saying what it does. */
(function () {
  "use strict";
  var NAMES = [
    ["select[name^=_filter_column]", "Filter: column"],
    ["select[name^=_filter_op]", "Filter: how to compare"],
    ["input.filter-value", "Filter: value"],
    ["select#sort_by", "Sort by"]
  ];
  function name() {
    NAMES.forEach(function (pair) {
      document.querySelectorAll(pair[0]).forEach(function (el) {
        if (!el.hasAttribute("aria-label") && !(el.id && document.querySelector("label[for='" + el.id + "']"))) {
          el.setAttribute("aria-label", pair[1]);
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", name);
  } else {
    name();
  }
})();

// Every page: a table that scrolls sideways in its own box (.table-responsive, on a narrow screen) takes
// keyboard focus, so it can be scrolled with the arrow keys (WCAG 2.1.1); one that fits takes none.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("load", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("toggle", mark, true); // a <details> opened shows a table
})();

// Reports page: the print button (print stylesheet hides the controls; "Save as PDF" works too).
(function () {
  "use strict";
  var button = document.getElementById("print-report");
  if (button) button.addEventListener("click", function () { window.print(); });
})();

// The running total of the inspection form: the sum of the score fields, shown as they change.
(function () {
  "use strict";
  function update(form) {
    var total = 0;
    form.querySelectorAll("input[data-score]").forEach(function (input) {
      var value = parseFloat(input.value);
      if (!isNaN(value)) { total += value; }
    });
    var out = form.querySelector("[data-score-total]");
    if (out) { out.textContent = (Math.round(total * 10) / 10).toString(); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-score-form]").forEach(function (form) {
      form.addEventListener("input", function () { update(form); });
      update(form);
    });
  });
})();

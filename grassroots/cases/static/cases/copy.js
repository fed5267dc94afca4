// One tap copies a tracking code: <button data-copy="element-id" data-copied="Copied">.
// The clipboard API needs a secure page; elsewhere the code is selected and copied the old way.
(function () {
  function done(button) {
    var label = button.querySelector("span");
    if (label && button.getAttribute("data-copied")) {
      label.textContent = button.getAttribute("data-copied");
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(button); });
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try {
      if (document.execCommand("copy")) { done(button); }
    } catch (e) { /* the code stays selected: the phone offers to copy it */ }
  });
})();

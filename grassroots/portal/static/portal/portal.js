// The portal's visitor beacon. Pages are shared-cacheable, so nothing is counted while
// rendering; once the page has loaded, this posts to the hit endpoint (no-store), which
// counts the visitor once a day (and the article's view), and shows the answer.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var body = document.body;
    var url = body.getAttribute("data-hit-url");
    if (!url || !window.fetch) return;
    var data = new URLSearchParams();
    var article = body.getAttribute("data-article");
    if (article) data.append("article", article);
    fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (totals) {
        if (!totals) return;
        var line = document.querySelector("[data-visitor-line]");
        if (line && totals.visitors) {
          line.textContent = line.getAttribute("data-template").replace("__N__", totals.visitors.toLocaleString("en-US"));
        }
        var views = document.querySelector("[data-views]");
        if (views && totals.views !== null && totals.views !== undefined) {
          views.textContent = totals.views.toLocaleString("en-US");
        }
      })
      .catch(function () { /* the counter is decoration: a failure changes nothing */ });
  });
})();

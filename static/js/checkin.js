// Trainings check-in (issue #12): the venue screen's live code and counts, the one tap,
// and the online study's heartbeat. CSP-safe: no inline script, same-origin requests only.
(function () {
  "use strict";

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  // The venue screen: fetch the fragment (code of this window + counts) every few seconds,
  // and right after the window changes, so the code on the wall is never stale.
  var COUNT_EVERY = 5;
  function startScreen(box) {
    var url = box.getAttribute("data-live-url");
    function next() {
      var grid = box.querySelector("[data-refresh-in]");
      var left = grid ? parseInt(grid.getAttribute("data-refresh-in"), 10) || COUNT_EVERY : COUNT_EVERY;
      window.setTimeout(refresh, Math.min(COUNT_EVERY, left) * 1000);
    }
    function refresh() {
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { box.innerHTML = html; })
        .catch(function () { /* keep the last code; try again */ })
        .then(next);
    }
    next();
  }

  // The tap: once only (a second tap would only be refused as "already checked in").
  function guardTap(form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    });
  }

  // Online study: a heartbeat while the page is visible (and the video plays, for a video).
  function startStudy(box) {
    if (box.hasAttribute("data-stopped")) { return; }
    var url = box.getAttribute("data-beat-url");
    var every = (parseInt(box.getAttribute("data-beat-every"), 10) || 15) * 1000;
    var video = box.querySelector("video");
    var bar = box.querySelector("progress");
    var figure = box.querySelector("[data-study-seconds]");
    var state = box.querySelector("[data-study-state]");
    var stopped = false;
    function active() {
      if (document.visibilityState !== "visible") { return false; }
      return !video || (!video.paused && !video.ended);
    }
    function beat() {
      if (stopped || !active()) { return; }
      fetch(url, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (!res.ok) { stopped = true; if (state) { state.textContent = res.data.detail || ""; } return; }
          if (bar) { bar.value = res.data.seconds; }
          if (figure) { figure.textContent = res.data.seconds; }
          if (res.data.done) {
            stopped = true;
            if (state) { state.textContent = state.getAttribute("data-msg-done") || state.textContent; }
          }
        })
        .catch(function () { /* the next beat tries again */ });
    }
    beat();
    window.setInterval(beat, every);
    document.addEventListener("visibilitychange", function () { if (active()) { beat(); } });
    if (video) { video.addEventListener("play", beat); }
  }

  function init() {
    var screen = document.querySelector("[data-live-url]");
    if (screen) { startScreen(screen); }
    document.querySelectorAll(".checkin-tap").forEach(guardTap);
    var study = document.querySelector("[data-study]");
    if (study) { startStudy(study); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();

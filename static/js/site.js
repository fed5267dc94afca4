// Small behaviours shared by every page; no framework, CSP-safe (no inline script).
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// Forms with hidden latitude/longitude/accuracy_m fields: fill them with the
// phone's position if the user allows it. Never blocks saving.
function locate(form) {
  var field = function (name) { return form.querySelector("[name=" + name + "]"); };
  var status = form.querySelector("[data-geo-status]");
  if (!("geolocation" in navigator)) { return; }
  if (status) { status.textContent = status.getAttribute("data-msg-wait"); }
  navigator.geolocation.getCurrentPosition(function (pos) {
    field("latitude").value = pos.coords.latitude.toFixed(6);
    field("longitude").value = pos.coords.longitude.toFixed(6);
    field("accuracy_m").value = Math.round(pos.coords.accuracy);
    if (status) {
      status.textContent = status.getAttribute("data-msg-ok").replace("{m}", Math.round(pos.coords.accuracy));
    }
  }, function () {
    if (status) { status.textContent = status.getAttribute("data-msg-fail") || ""; }
  }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
}

// Visit and intake forms: record the phone's clock (where there is a field for
// it) and its position at once.
function fillVisitForm(form) {
  var deviceTime = form.querySelector("[name=device_time]");
  if (deviceTime) {
    deviceTime.value = new Date().toISOString();
    form.addEventListener("submit", function () { deviceTime.value = new Date().toISOString(); });
  }
  locate(form);
}

// The resident's form asks only when the resident taps "add my location".
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-locate]");
  if (button) { event.preventDefault(); locate(button.form); }
});

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-geolocate]").forEach(fillVisitForm);
  // The selected visit mode is highlighted without :has() for older phone browsers.
  document.querySelectorAll(".modes").forEach(function (group) {
    var sync = function () {
      group.querySelectorAll("label.mode").forEach(function (label) {
        var input = label.querySelector("input");
        label.classList.toggle("checked", !!(input && input.checked));
      });
    };
    group.addEventListener("change", sync);
    sync();
  });
});

// The kit (docs/UI-KIT.md): messages that fade, bottom sheets, the filters drawer.
(function () {
  function fadeMessages() {
    document.querySelectorAll(".msg--fade").forEach(function (msg) {
      window.setTimeout(function () {
        msg.classList.add("is-gone");
        window.setTimeout(function () { msg.remove(); }, 450);
      }, 5000);
    });
  }
  document.addEventListener("click", function (event) {
    var dismiss = event.target.closest("[data-dismiss]");
    if (dismiss) { dismiss.closest(".msg").remove(); return; }
    var opener = event.target.closest("[data-sheet-open]");
    if (opener) {
      var sheet = document.getElementById(opener.getAttribute("data-sheet-open"));
      if (sheet && typeof sheet.showModal === "function") {
        event.preventDefault();
        sheet.showModal();
      }
      return;
    }
    var filtersClose = event.target.closest("[data-filters-close]");
    if (filtersClose) { filtersClose.closest("details").open = false; return; }
    var closer = event.target.closest("[data-sheet-close]");
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog && dialog.open) { event.preventDefault(); dialog.close(); }
      return;
    }
    // A tap on the backdrop (outside the sheet's box) closes it.
    if (event.target.tagName === "DIALOG" && event.target.classList.contains("sheet")) {
      var box = event.target.getBoundingClientRect();
      var inside = event.clientY >= box.top && event.clientY <= box.bottom &&
        event.clientX >= box.left && event.clientX <= box.right;
      if (!inside) { event.target.close(); }
    }
  });
  function openFiltersOnDesk() {
    if (window.matchMedia("(min-width: 1024px)").matches) {
      document.querySelectorAll("details[data-filters]").forEach(function (d) { d.open = true; });
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    fadeMessages();
    openFiltersOnDesk();
  });
})();

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

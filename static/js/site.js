// Small behaviours shared by every page; no framework, CSP-safe (no inline script).
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// Visit form: record the phone's clock and, if allowed, its position. Neither
// blocks saving: a visit without GPS is still a visit.
function fillVisitForm(form) {
  var field = function (name) { return form.querySelector("[name=" + name + "]"); };
  var deviceTime = field("device_time");
  if (deviceTime) { deviceTime.value = new Date().toISOString(); }
  form.addEventListener("submit", function () {
    if (deviceTime) { deviceTime.value = new Date().toISOString(); }
  });
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

// Sends the browser's time zone with sign-up and invitation forms: a hidden input
// marked data-browser-time-zone gets the IANA name ("Europe/Berlin") the browser
// reports. The server keeps it only when it is a zone it knows.
(function () {
  "use strict";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  document.querySelectorAll("input[data-browser-time-zone]").forEach(function (input) {
    if (!input.value) input.value = zone;
  });
  document.querySelectorAll("[data-browser-time-zone-name]").forEach(function (el) {
    el.textContent = zone;
  });
})();

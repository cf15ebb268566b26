// The team queue page: re-fetch the list partial on every queue event (the view
// renders and authorizes it), mark the new card so it slides in, and keep the
// "waiting N min" ages ticking.
(function () {
  "use strict";
  var REFRESH_ON = ["handoff_claimed", "handoff_released", "handoff_cancelled",
    "handoff_resolved", "handoff_updated", "handoff_reassigned", "reconnected"];

  function refresh(extra) {
    var list = document.getElementById("queue-list");
    var form = document.getElementById("queue-filters");
    if (!list || !form) return;
    var params = new URLSearchParams(new FormData(form));
    var page = new URLSearchParams(window.location.search).get("page");
    if (page) params.set("page", page);
    Object.keys(extra || {}).forEach(function (k) { params.set(k, extra[k]); });
    htmx.ajax("GET", list.dataset.listUrl + "?" + params.toString(),
      { target: "#queue-list", swap: "outerHTML" });
  }

  document.body.addEventListener("baton:handoff_created", function (evt) {
    refresh({ "new": evt.detail.handoff_id });
  });
  REFRESH_ON.forEach(function (type) {
    document.body.addEventListener("baton:" + type, function () { refresh({}); });
  });

  // The same words as the server's (troubleshoot/accounts/timezones.py duration_words).
  function humanAge(seconds) {
    var m = Math.floor(seconds / 60);
    if (m < 1) return "waiting under a minute";
    if (m < 60) return "waiting " + m + " min";
    var h = Math.floor(m / 60);
    if (h < 24) return "waiting " + h + " h " + (m % 60) + " min";
    var d = Math.floor(h / 24);
    return "waiting " + d + " d" + (h % 24 ? " " + (h % 24) + " h" : "");
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.age[datetime]").forEach(function (el) {
      var t = Date.parse(el.getAttribute("datetime"));
      if (!isNaN(t)) el.textContent = humanAge(Math.max(0, (now - t) / 1000));
    });
  }
  document.body.addEventListener("htmx:afterSettle", tick);
  setInterval(tick, 15000);
  tick();
})();

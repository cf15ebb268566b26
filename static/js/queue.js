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

  // Screen readers: announce a card that just arrived (its data-announce sentence)
  // through the polite live region, once per handoff.
  var announced = {};
  function announceNew() {
    var region = document.getElementById("queue-announcer");
    var card = document.querySelector("#queue-list [data-live=new][data-announce]");
    if (!region || !card || announced[card.id]) return;
    announced[card.id] = true;
    region.textContent = card.dataset.announce;
  }

  // Keep the keyboard where it was while the list is re-rendered. htmx itself puts
  // focus back on an element with the same id (every card control has one); when the
  // focused card left the queue, focus moves to the card now in its place (or the
  // list) instead of falling back to the top of the page. The list carries
  // data-keeps-focus, so baton.js's general focus keeper leaves it to this.
  var focusedIndex = null;
  document.body.addEventListener("htmx:beforeSwap", function (evt) {
    if (!evt.detail.target || evt.detail.target.id !== "queue-list") return;
    var card = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("#queue-list .qcard") : null;
    focusedIndex = card ? Array.prototype.indexOf.call(
      document.querySelectorAll("#queue-list .qcard"), card) : null;
  });
  document.body.addEventListener("htmx:afterSettle", function (evt) {
    if (!evt.detail.target || evt.detail.target.id !== "queue-list") return;
    announceNew();
    if (focusedIndex === null) return;
    var index = focusedIndex;
    focusedIndex = null;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var cards = document.querySelectorAll("#queue-list .qcard");
    var next = cards.length ? cards[Math.min(index, cards.length - 1)].querySelector("a, button") : null;
    (next || document.getElementById("queue-list")).focus();
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

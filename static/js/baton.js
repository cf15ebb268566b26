// Baton's live glue. The htmx websocket extension owns the connection (with its
// exponential-backoff reconnect); this file turns each small JSON event into a DOM
// event "baton:<type>" on <body>, so partials declare what they re-fetch with
// hx-trigger="baton:handoff_created from:body". After a reconnect (at the server's
// "hello") it fires "baton:reconnected", and every live partial re-fetches in full:
// nothing missed.
// The same happens on "live_resumed", which the server sends after its own message
// bus (Redis) was away while this socket stayed open.
// An event about one session or handoff also fires as "baton:<type>:session-<id>" /
// "baton:<type>:handoff-<id>", so a partial can listen for its own object without an
// htmx event filter (filters need eval, which the Content-Security-Policy forbids).
(function () {
  "use strict";
  var originalTitle = document.title;
  var unseen = 0;
  var flashTimer = null;
  var wasClosed = false;
  // A page in two groups (an engineer's pickup screen: the account's and the
  // session's) hears some events twice; both copies carry one event_id.
  var recentIds = [];

  function seenBefore(id) {
    if (!id) return false;
    if (recentIds.indexOf(id) !== -1) return true;
    recentIds.push(id);
    if (recentIds.length > 100) recentIds.shift();
    return false;
  }

  function setDot(state, label) {
    var dot = document.getElementById("live-dot");
    if (!dot) return;
    dot.dataset.state = state;
    dot.title = "Live updates: " + label;
    var text = document.getElementById("live-dot-text");
    if (text) text.textContent = dot.title;
  }

  function stopFlash() {
    unseen = 0;
    if (flashTimer) { clearInterval(flashTimer); flashTimer = null; }
    document.title = originalTitle;
  }

  function flashTitle() {
    if (!document.hidden) return;
    unseen += 1;
    var alert = "(" + unseen + ") New escalation";
    document.title = alert;
    if (flashTimer) return;
    var on = true;
    flashTimer = setInterval(function () {
      on = !on;
      document.title = on ? "(" + unseen + ") New escalation" : originalTitle;
    }, 1000);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) stopFlash();
  });

  document.addEventListener("htmx:wsBeforeMessage", function (evt) {
    // Our frames are JSON events, not HTML to swap: handle them here.
    evt.preventDefault();
    var event;
    try { event = JSON.parse(evt.detail.message); } catch (e) { return; }
    if (!event || typeof event.type !== "string") return;
    // "hello" comes once the server has joined this socket to its groups: only then is
    // the page live, and only a catch-up fetched after it can miss nothing.
    if (event.type === "hello") {
      setDot("live", "live");
      if (wasClosed) {
        wasClosed = false;
        htmx.trigger(document.body, "baton:reconnected", {});
      }
      return;
    }
    // The server lost its message bus (events published meanwhile are gone), then
    // found it again: say so, then catch up exactly as after a reconnect.
    if (event.type === "live_paused") {
      setDot("reconnecting", "paused, catching up when the server is back");
      return;
    }
    if (event.type === "live_resumed") {
      setDot("live", "live");
      htmx.trigger(document.body, "baton:reconnected", {});
      return;
    }
    if (seenBefore(event.event_id)) return;
    if (event.type === "handoff_created" && event.intent === "escalate") flashTitle();
    htmx.trigger(document.body, "baton:" + event.type, event);
    ["session", "handoff"].forEach(function (kind) {
      var id = event[kind + "_id"];
      if (id !== undefined && id !== null) {
        htmx.trigger(document.body, "baton:" + event.type + ":" + kind + "-" + id, event);
      }
    });
    // An event that also created bell rows says so, instead of a second message.
    if (event.rings_bell) htmx.trigger(document.body, "baton:notification_created", event);
  });

  document.addEventListener("htmx:wsClose", function () {
    wasClosed = true;
    setDot("reconnecting", "reconnecting…");
  });

  document.addEventListener("htmx:wsError", function () {
    setDot("reconnecting", "reconnecting…");
  });

  // Elements swapped in by a live event get the slide-in class (CSS skips the
  // animation for prefers-reduced-motion).
  document.addEventListener("htmx:load", function (evt) {
    var elt = evt.detail.elt;
    if (elt && elt.dataset && elt.dataset.live === "new") elt.classList.add("slide-in");
  });

  // The top bar's disclosures (menu, bell, user menu) are <details>: Escape closes the
  // open one and puts focus back on its button; a click elsewhere closes them.
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") return;
    document.querySelectorAll(".topbar details[open]").forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (evt) {
    document.querySelectorAll(".topbar details[open]").forEach(function (menu) {
      if (!menu.contains(evt.target) && !(menu.id === "navmenu" && evt.target.closest(".mainnav"))) {
        menu.open = false;
      }
    });
  });

  // A swap that removes the focused control (answering a step replaces the walker)
  // would drop focus to the top of the page: put it on the new content's
  // [data-focus-after-swap] element instead (the new step's heading), or else on the
  // first control in the swapped area (the top bar's availability link turns into its
  // select when the page's late fetch lands, maybe while a keyboard user stands on it).
  // Other swaps may land in between (a side panel re-fetched on the live event the
  // answer caused): only a swap that holds the focus sets or clears the mark.
  var focusWasIn = null;
  var FOCUSABLE = "a[href], button:not([disabled]), select:not([disabled]), " +
    "input:not([type=hidden]):not([disabled]), textarea:not([disabled]), summary, " +
    "[tabindex]:not([tabindex='-1'])";
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    // A region that puts focus back itself (the queue list, queue.js) says so.
    if (target && target.contains(document.activeElement) && !target.closest("[data-keeps-focus]")) {
      // An outerHTML swap replaces the target itself: find its successor by id, or
      // else look in the parent, which stays.
      focusWasIn = { target: target, id: target.id, parent: target.parentElement };
    }
  });
  // On the swap itself, not the settle 20 ms later: the new step and the focus on its
  // heading arrive together.
  document.addEventListener("htmx:afterSwap", function () {
    if (!focusWasIn) return;
    var was = focusWasIn;
    focusWasIn = null;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var area = document.contains(was.target) ? was.target
      : (was.id && document.getElementById(was.id)) || was.parent;
    if (!area || !document.contains(area)) return;
    var next = area.querySelector("[data-focus-after-swap]") || area.querySelector(FOCUSABLE);
    if (next) next.focus();
  });

  // Show the server's sentence for a 409/400/403 on an htmx request instead of
  // swallowing it silently.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if (status === 409 || status === 400 || status === 403) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
})();

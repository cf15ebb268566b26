// Reaching seniors who are not looking at the queue (notifications/reach):
// - the top bar's "Desktop alerts" opt-in (permission asked only on its click);
// - a desktop alert for a new escalation while this tab is in the background, with
//   the bell's title, one per escalation however many Baton tabs are open;
// - a heartbeat while the person is active, so their availability lapses to away
//   once no tab has seen them for a while (the server computes it from last_seen);
// - the preferences page's "Turn on push for this browser" (service worker + Web Push).
// baton.js turns websocket frames into "baton:<type>" events on <body>; this file
// only listens to them.
(function () {
  "use strict";
  var optin = document.getElementById("desktop-optin");
  var OPTED_IN = "baton-desktop-alerts";   // "on" once this browser's person opted in
  var HANDLED = "baton-alerted";           // event keys a tab of this browser handled
  var HIDDEN_TAB_DELAY = 400;              // ms: a visible tab claims an event first
  var HEARTBEAT_EVERY = 60 * 1000;
  var supported = "Notification" in window;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) { return ""; }
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(data || {}).toString()
    });
  }

  function storageGet(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function storageSet(key, value) { try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ } }

  // --- desktop alerts: opt-in --------------------------------------------------
  function desktopOn() {
    return supported && Notification.permission === "granted" && storageGet(OPTED_IN) === "on";
  }

  function renderOptin() {
    if (!optin) return;
    if (!supported) { optin.hidden = true; return; }
    optin.hidden = false;
    var on = desktopOn();
    var blocked = Notification.permission === "denied";
    optin.setAttribute("aria-pressed", on ? "true" : "false");
    optin.textContent = on ? "Desktop alerts on" : (blocked ? "Desktop alerts blocked" : "Desktop alerts");
    optin.title = on
      ? "Baton shows a desktop alert for new escalations while it is in the background. Click to stop."
      : (blocked
        ? "This browser blocks Baton's notifications: allow them in the site settings."
        : "Show a desktop alert for new escalations while Baton is in the background.");
  }

  if (optin) {
    optin.addEventListener("click", function () {
      if (desktopOn()) { storageSet(OPTED_IN, "off"); renderOptin(); return; }
      // Asked here, after the person's click, never on page load.
      Promise.resolve(Notification.requestPermission()).then(function (permission) {
        if (permission === "granted") storageSet(OPTED_IN, "on");
        renderOptin();
      });
    });
    window.addEventListener("storage", function (evt) { if (evt.key === OPTED_IN) renderOptin(); });
    renderOptin();
  }

  // --- desktop alerts: one per escalation across tabs --------------------------
  function markFirst(key) {
    var list;
    try { list = JSON.parse(storageGet(HANDLED) || "[]"); } catch (e) { list = []; }
    if (!Array.isArray(list)) list = [];
    if (list.indexOf(key) !== -1) return false;
    list.push(key);
    storageSet(HANDLED, JSON.stringify(list.slice(-50)));
    return true;
  }

  // Every tab hears the event. The first to claim it decides: a visible tab (the
  // person sees the queue and the bell) claims at once and shows nothing; a hidden
  // tab claims a moment later and shows the alert. Web Locks make the check-and-mark
  // atomic across tabs; the notification's tag (the event key) is the backstop, so
  // the system replaces rather than stacks a second alert (push uses the same tag).
  function claim(key, then) {
    if (navigator.locks && navigator.locks.request) {
      navigator.locks.request("baton-alerts", function () {
        return markFirst(key) ? then() : null;
      });
    } else if (markFirst(key)) {
      then();
    }
  }

  function showAlert(key) {
    var url = optin.dataset.url + "?event=" + encodeURIComponent(key);
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { show: false }; })
      .then(function (alert) {
        if (!alert.show || !desktopOn()) return;
        var notification = new Notification(alert.title, {
          body: alert.body || "",
          tag: alert.tag,
          data: { url: alert.link }
        });
        notification.onclick = function () {
          window.focus();
          if (alert.link) window.location.assign(alert.link);
          notification.close();
        };
      })
      .catch(function () { /* the bell still has it */ });
  }

  document.addEventListener("baton:handoff_created", function (evt) {
    var event = evt.detail || {};
    if (event.intent !== "escalate" || !event.handoff_id || !desktopOn()) return;
    var key = "handoff-" + event.handoff_id + "-created";
    if (!document.hidden) { claim(key, function () { return null; }); return; }
    setTimeout(function () {
      claim(key, function () { return document.hidden ? showAlert(key) : null; });
    }, HIDDEN_TAB_DELAY);
  });

  // --- availability: heartbeat while active ------------------------------------
  var active = true;  // loading a page is activity
  ["pointerdown", "keydown", "scroll", "mousemove", "touchstart", "focus"].forEach(function (name) {
    window.addEventListener(name, function () { active = true; }, { passive: true, capture: true });
  });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) active = true; });

  function beat() {
    if (!active || !optin || !optin.dataset.heartbeatUrl) return;
    active = false;
    post(optin.dataset.heartbeatUrl).catch(function () { /* next minute */ });
  }
  if (optin) {
    beat();
    setInterval(beat, HEARTBEAT_EVERY);
  }

  // --- Web Push: this browser's subscription (preferences page) ----------------
  var card = document.getElementById("push-card");
  if (!card) return;
  var state = document.getElementById("push-state");
  var onButton = document.getElementById("push-on");
  var offButton = document.getElementById("push-off");
  var pushSupported = "serviceWorker" in navigator && "PushManager" in window && supported;

  function say(text) { state.textContent = text; }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function registration() {
    return navigator.serviceWorker.register(card.dataset.workerUrl, { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; });
  }

  function renderPush(subscription) {
    onButton.hidden = !!subscription;
    offButton.hidden = !subscription;
    say(subscription ? "Push is on for this browser." : "Push is off for this browser.");
  }

  if (!pushSupported) {
    say("This browser does not support push notifications.");
    return;
  }
  registration()
    .then(function (reg) { return reg.pushManager.getSubscription(); })
    .then(renderPush)
    .catch(function () { say("Push could not start in this browser."); });

  onButton.addEventListener("click", function () {
    Promise.resolve(Notification.requestPermission())
      .then(function (permission) {
        if (permission !== "granted") throw new Error("Notifications are blocked for Baton in this browser.");
        return registration();
      })
      .then(function (reg) {
        return reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(card.dataset.vapidKey)
        });
      })
      .then(function (subscription) {
        var json = subscription.toJSON();
        return post(card.dataset.subscribeUrl, {
          endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth
        }).then(function (response) {
          if (!response.ok) throw new Error("Baton could not keep this browser's subscription.");
          renderPush(subscription);
        });
      })
      .catch(function (error) { say(error && error.message ? error.message : "Push could not be turned on."); });
  });

  offButton.addEventListener("click", function () {
    registration()
      .then(function (reg) { return reg.pushManager.getSubscription(); })
      .then(function (subscription) {
        if (!subscription) return null;
        return post(card.dataset.unsubscribeUrl, { endpoint: subscription.endpoint })
          .then(function () { return subscription.unsubscribe(); });
      })
      .then(function () { renderPush(null); })
      .catch(function () { say("Push could not be turned off."); });
  });
})();

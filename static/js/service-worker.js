// Baton's service worker: shows Web Push messages (notifications/transports/webpush.py
// sends them) and opens the pickup screen when one is clicked. Served from /sw.js so
// its scope is the whole site. The tag is the event key, the same as the open tab's
// desktop alert uses, so one escalation gives one system notification.
"use strict";

self.addEventListener("push", function (event) {
  var message = {};
  try { message = event.data ? event.data.json() : {}; } catch (e) { message = {}; }
  var title = message.title || "New escalation";
  event.waitUntil(self.registration.showNotification(title, {
    body: message.body || "",
    tag: message.tag || undefined,
    data: { url: message.url || "/queue/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/queue/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/queue/", self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i += 1) {
        if (new URL(windows[i].url).origin === target.origin && "focus" in windows[i]) {
          return windows[i].focus().then(function (client) {
            return client && "navigate" in client ? client.navigate(target.href) : client;
          });
        }
      }
      return self.clients.openWindow(target.href);
    })
  );
});

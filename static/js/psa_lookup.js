// The PSA ticket lookup on the new-session and tree start forms: when the lookup's
// answer arrives (notifications/_psa_lookup.html, swapped in by htmx), fill the
// form's fields from its data-* values. A field the engineer typed in is never
// overwritten; one the lookup filled is updated by the next lookup.
(function () {
  "use strict";
  var FIELDS = ["problem_summary", "client_name", "contact_name", "ticket_priority"];

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.target;
    if (!box || box.id !== "psa-lookup") return;
    var found = box.querySelector("[data-psa-fill]");
    var form = box.closest("form");
    if (!found || !form) return;
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      var value = found.getAttribute("data-" + name);
      if (!field || !value) return;
      if (field.value === "" || field.getAttribute("data-psa-filled") === "1") {
        field.value = value;
        field.setAttribute("data-psa-filled", "1");
      }
    });
  });

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field && field.getAttribute && field.getAttribute("data-psa-filled") === "1") {
      field.removeAttribute("data-psa-filled");
    }
  });
})();

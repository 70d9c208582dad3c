// Lead page: copy the suggested message. navigator.clipboard needs a secure context;
// on plain http (an intranet) fall back to selecting a textarea and execCommand("copy").
(function () {
  "use strict";
  function announce(button, text) {
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (status) { status.textContent = text; }
  }
  function fallbackCopy(source) {
    source.removeAttribute("aria-hidden");
    source.focus();
    source.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    source.setAttribute("aria-hidden", "true");
    return ok;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.value;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { announce(button, "Copied."); },
        function () { announce(button, fallbackCopy(source) ? "Copied." : "Select the text and copy it."); }
      );
    } else {
      announce(button, fallbackCopy(source) ? "Copied." : "Select the text and copy it.");
    }
    button.focus();
  });
})();

// After an action swaps the actions panel (htmx), focus its message, or its heading, so
// keyboard and screen-reader users stay in the panel instead of at the top of the page.
document.addEventListener("htmx:afterSettle", function (event) {
  "use strict";
  var panel = document.getElementById("lead-actions");
  if (!panel || !event.detail || !event.detail.target) { return; }
  if (event.detail.target.id !== "lead-actions" && !panel.contains(event.detail.target)) { return; }
  var target = panel.querySelector(".messages") || document.getElementById("actions-title");
  if (!target) { return; }
  target.setAttribute("tabindex", "-1");
  target.focus();
});

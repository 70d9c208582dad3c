// The API docs page (templates/qualification/api_docs.html): Swagger UI builds its controls
// with React as operations are opened; those axe-core reports unnamed, or named apart from
// their visible text, are named here as they appear.
(function () {
  "use strict";

  function name(element, label) {
    if (!element.hasAttribute("aria-label") && !element.hasAttribute("aria-labelledby")) {
      element.setAttribute("aria-label", label);
    }
  }

  function fix(root) {
    // "Try it out": the request body and each parameter's input, named by the parameter.
    root.querySelectorAll("textarea.body-param__text").forEach((el) => name(el, "Request body"));
    root.querySelectorAll("tr[data-param-name]").forEach((row) => {
      const param = row.getAttribute("data-param-name");
      row.querySelectorAll("input, select, textarea").forEach((el) => name(el, param));
    });
    root.querySelectorAll("select.content-type, .body-param-content-type select").forEach(
      (el) => name(el, "Content type")
    );
    // Examples scroll inside a box: a keyboard reaches it to scroll it.
    root.querySelectorAll(".highlight-code > pre").forEach((el) => {
      if (!el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "region");
        name(el, "Example");
      }
    });
    // The Authorize dialog: an icon-only close button, and submit buttons whose label
    // ("Apply credentials") leaves out what they say ("Authorize").
    root.querySelectorAll("button.close-modal").forEach((el) => name(el, "Close"));
    root.querySelectorAll(".auth-btn-wrapper button[aria-label]").forEach((el) => {
      const text = el.textContent.trim();
      if (text && !el.getAttribute("aria-label").includes(text)) el.removeAttribute("aria-label");
    });
  }

  function start() {
    const ui = document.getElementById("swagger-ui");
    fix(ui);
    new MutationObserver(() => fix(ui)).observe(ui, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// Django admin widgets that axe-core reports unnamed, fixed where Django's own scripts build
// them (loaded by templates/admin/base_site.html). A MutationObserver catches widgets made
// after load: select2 starts on jQuery's (asynchronous) ready, and inline rows are added later.
(function () {
  "use strict";

  function fieldLabel(fieldId) {
    const label = document.querySelector(`label[for="${CSS.escape(fieldId)}"]`);
    if (!label) return null;
    if (!label.id) label.id = `${fieldId}-label`;
    return label;
  }

  // autocomplete_fields (select2): its combobox is named only by the chosen option's text, so
  // an empty one has no name at all. Name it by the field's label, then the choice.
  function nameSelect2(box) {
    const container = box.closest(".select2-container");
    const select = container && container.previousElementSibling;
    if (!select || select.tagName !== "SELECT" || !select.id) return;
    const label = fieldLabel(select.id);
    if (!label) return;
    const rendered = box.querySelector(".select2-selection__rendered");
    const ids = [label.id, rendered && rendered.id].filter(Boolean).join(" ");
    box.setAttribute("aria-labelledby", ids);
    if (rendered) rendered.setAttribute("aria-labelledby", label.id);
  }

  // filter_horizontal (SelectFilter2): the search box's label is an icon whose aria-label is
  // the label's text; aria-label is not allowed on a plain span, so it becomes an image.
  function nameFilterIcon(icon) {
    if (icon.hasAttribute("aria-label")) icon.setAttribute("role", "img");
  }

  // A read-only tabular inline (a lead's stage history) scrolls sideways on a phone but
  // holds nothing a keyboard can reach: the group itself takes focus, named by its heading.
  function focusableInline(group) {
    if (group.hasAttribute("tabindex") || !group.querySelector(".tabular")) return;
    const focusable = "a[href], input:not([type=hidden]), select, textarea, button, summary";
    if (group.querySelector(focusable)) return;
    const heading = group.querySelector("h2");
    group.setAttribute("tabindex", "0");
    group.setAttribute("role", "region");
    if (heading) {
      if (!heading.id) heading.id = `${group.id || "inline"}-heading`;
      group.setAttribute("aria-labelledby", heading.id);
    }
  }

  function fix(root) {
    root.querySelectorAll(".select2-selection[role=combobox]").forEach(nameSelect2);
    root.querySelectorAll(".search-label-icon").forEach(nameFilterIcon);
    root.querySelectorAll(".inline-group").forEach(focusableInline);
  }

  function start() {
    fix(document);
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeType === Node.ELEMENT_NODE) fix(node.parentElement || node);
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// Queue pages. Filters apply on change through htmx (the form still submits without
// JavaScript, so its Apply button is hidden only here), and after a claim or an
// assignment swaps a row, focus goes back into that row instead of dropping to <body>.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // On a phone the filters start folded (unless some are on), so the first screen shows leads.
  function foldFilters() {
    var details = document.querySelector(".filters-details[data-close-on-phone='yes']");
    if (details && window.matchMedia("(max-width: 700px)").matches) details.open = false;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", foldFilters);
  } else {
    foldFilters();
  }
  var swappedRow = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    swappedRow = target && target.matches("tr[id^='lead-']") ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!swappedRow) { return; }
    var row = document.getElementById(swappedRow);
    swappedRow = null;
    if (!row) { return; }
    // The owner cell's control (assign, or Claim again after a refusal), else the name.
    var next = row.querySelector(".owner-box button, .owner-box select") || row.querySelector("a[href]");
    if (next) { next.focus(); }
  });
})();

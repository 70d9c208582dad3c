/* Keyboard shortcuts on the queue and lead pages (listed by "?", templates/.../_shortcuts.html).
   j / k move between queue rows (focus goes to the lead's name, so Enter opens it), and
   c, t, f press the element marked data-shortcut="c|t|f" in the current row, else on the
   page: Claim, Log first touch, the feedback form's first field. Keys are ignored while
   typing in a field, with a modifier held, or while a dialog is open. "/" (search) is
   search.js's. Without JavaScript every action is still a button. */
(function () {
  "use strict";
  var current = null;

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.queue-table tbody tr[id^='lead-']"));
  }
  function mark(row) {
    if (current && current !== row) current.classList.remove("row-current");
    current = row;
    if (row) row.classList.add("row-current");
  }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var at = current ? all.indexOf(document.getElementById(current.id)) : -1;
    var next = all[Math.max(0, Math.min(all.length - 1, at + step))];
    if (at < 0) next = all[step > 0 ? 0 : all.length - 1];
    mark(next);
    var link = next.querySelector("a.strong") || next.querySelector("a[href]");
    if (link) link.focus();
    next.scrollIntoView({ block: "nearest" });
  }
  function press(key) {
    var scope = current && document.body.contains(current) ? current : document;
    var target = scope.querySelector("[data-shortcut='" + key + "']");
    if (!target && scope !== document) return false;
    if (!target) return false;
    if (target.tagName.toLowerCase() === "button") {
      target.click();
    } else {
      target.focus();
    }
    return true;
  }

  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest("table.queue-table tbody tr[id^='lead-']");
    if (row) mark(row);
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    var key = event.key;
    if (key === "?") {
      var help = document.getElementById("shortcuts-help");
      if (help && help.showModal) { event.preventDefault(); help.showModal(); }
    } else if (key === "j" || key === "k") {
      if (rows().length) { event.preventDefault(); move(key === "j" ? 1 : -1); }
    } else if (key === "c" || key === "t" || key === "f") {
      if (press(key)) event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-shortcuts-open]");
    var help = document.getElementById("shortcuts-help");
    if (opener && help && help.showModal) help.showModal();
  });
})();

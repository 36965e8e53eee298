// j / k move between the stories of a list (Enter follows the focused link); nothing else needs script.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (event.key !== "j" && event.key !== "k") return;
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-nav-item]"));
    if (!items.length) return;
    var current = items.findIndex(function (item) { return item.classList.contains("current"); });
    var next = event.key === "j" ? Math.min(current + 1, items.length - 1) : Math.max(current - 1, 0);
    if (current >= 0) items[current].classList.remove("current");
    items[next].classList.add("current");
    var link = items[next].querySelector("a");
    if (link) link.focus();
    items[next].scrollIntoView({ block: "nearest" });
    event.preventDefault();
  });
})();

// Gap heat map: a click on a cell opens the evidence of that product and scrolls to the pillar.
(function () {
  "use strict";
  function openTarget() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    const target = document.getElementById(id);
    if (!target) return;
    const details = target.closest("details");
    if (details) details.open = true;
    document.querySelectorAll(".gap-cell.active").forEach((e) => e.classList.remove("active"));
    if (target.classList.contains("gap-cell")) target.classList.add("active");
    target.scrollIntoView({ block: "start" });
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();

/* Small enhancements of the portal shells; every page works without this file. */
(function () {
  "use strict";

  // Close the "N entités" drop-down of the header on Escape or on a click elsewhere.
  function closeDisclosures(except) {
    document.querySelectorAll("details.account__orgs[open]").forEach(function (details) {
      if (details !== except) {
        details.removeAttribute("open");
      }
    });
  }

  document.addEventListener("click", function (event) {
    closeDisclosures(event.target.closest("details.account__orgs"));
  });

  document.addEventListener("keydown", function (event) {
    // The folded menu's toggle is a check box (it works without this file); Space toggles a check box, Enter
    // does not: keyboard users expect both to open the menu.
    if (event.key === "Enter" && event.target.id === "portal-nav-toggle") {
      event.preventDefault();
      event.target.click();
      return;
    }
    if (event.key !== "Escape") {
      return;
    }
    var open = document.querySelector("details.account__orgs[open]");
    if (open) {
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    }
    var toggle = document.getElementById("portal-nav-toggle");
    if (toggle && toggle.checked) {
      toggle.checked = false;
      toggle.focus();
    }
  });
})();

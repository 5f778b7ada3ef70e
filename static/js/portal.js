/*
 * Integrity Watch Portal: progressive enhancement for the site menu (no dependencies, loaded with `defer`).
 *
 * The menu is a <details class="site-menu"> element, so it opens and closes without JavaScript. This script only:
 *   - keeps it open on wide screens (for browsers without ::details-content support) and closed on phones;
 *   - closes it with Escape and returns focus to its toggle;
 *   - closes it when focus or a click moves outside it (phones only).
 */
(function () {
  "use strict";

  var menu = document.querySelector("[data-site-menu]");
  if (!menu) {
    return;
  }
  var toggle = menu.querySelector("summary");
  // Keep in step with the 60em breakpoint in static/css/portal.css.
  var wide = window.matchMedia("(min-width: 60em)");

  function sync() {
    menu.open = wide.matches;
  }

  sync();
  if (wide.addEventListener) {
    wide.addEventListener("change", sync);
  } else if (wide.addListener) {
    wide.addListener(sync);
  }

  // On wide screens the toggle is hidden; do not let the menu be closed by a stray summary activation.
  toggle.addEventListener("click", function (event) {
    if (wide.matches) {
      event.preventDefault();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      toggle.focus();
    }
  });

  document.addEventListener("click", function (event) {
    if (menu.open && !wide.matches && !menu.contains(event.target)) {
      menu.open = false;
    }
  });

  menu.addEventListener("focusout", function (event) {
    if (menu.open && !wide.matches && event.relatedTarget && !menu.contains(event.relatedTarget)) {
      menu.open = false;
    }
  });
})();

/*
 * Call deadlines: an element with data-countdown, data-deadline (ISO 8601) and data-closed-text shows the
 * server-rendered "x days y hours left"; once the deadline passes while the page is open, it says "Closed".
 * (The server's clock decides what is accepted; this only keeps the page honest.)
 */
(function () {
  "use strict";

  var items = document.querySelectorAll("[data-countdown][data-deadline]");
  if (!items.length) {
    return;
  }

  function check() {
    var now = Date.now();
    Array.prototype.forEach.call(items, function (item) {
      var deadline = Date.parse(item.getAttribute("data-deadline"));
      if (!isNaN(deadline) && now > deadline && item.getAttribute("data-closed-text")) {
        item.textContent = item.getAttribute("data-closed-text");
      }
    });
  }

  check();
  window.setInterval(check, 30000);
})();

// Progressive enhancement only: every page works without it.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    var box = document.getElementById("q");
    if (e.key === "/" && box && document.activeElement !== box &&
        !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
      e.preventDefault();
      box.focus();
      box.select();
    }
  });
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button.copy");
    if (!button) { return; }
    copyText(button.getAttribute("data-copy")).then(function () {
      var label = button.textContent;
      button.classList.add("done");
      button.textContent = "已复制";
      setTimeout(function () { button.classList.remove("done"); button.textContent = label; }, 1500);
    });
  });
  document.addEventListener("DOMContentLoaded", function () {
    var target = document.querySelector("[data-target]");
    if (target) { target.scrollIntoView({block: "center"}); }
  });
})();

// Progressive enhancement only: every page works without it (links and anchors do the job).
(function () {
  "use strict";

  function typing() {
    var el = document.activeElement;
    return el && (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable);
  }

  function announce(text) {
    var box = document.getElementById("announce");
    if (box) { box.textContent = ""; setTimeout(function () { box.textContent = text; }, 50); }
  }

  // --- copy buttons --------------------------------------------------------------------
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
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    copyText(button.getAttribute("data-copy")).then(function () {
      button.classList.add("done");
      button.textContent = "已复制";
      announce("已复制到剪贴板");
      setTimeout(function () { button.classList.remove("done"); button.textContent = label; }, 1500);
    }, function () {
      button.textContent = "复制失败，请手动选择";
      announce("复制失败");
    });
  });

  // --- jumping between the query's hits in a report ----------------------------------------
  var marks = [];
  var at = -1;

  function firstFrom(target) {
    for (var i = 0; i < marks.length; i++) {
      if (target.contains(marks[i]) ||
          target.compareDocumentPosition(marks[i]) & Node.DOCUMENT_POSITION_FOLLOWING) { return i; }
    }
    return marks.length;
  }

  function showHit(step) {
    if (!marks.length) { return; }
    var start = false;
    if (at < 0) {
      // Start from the paragraph the permalink points to: "next" is its first hit or the one after.
      var target = document.querySelector("[data-target]");
      var i = target ? firstFrom(target) : 0;
      at = step > 0 ? i - 1 : i;
      start = true;
    }
    if (!start && marks[at]) { marks[at].classList.remove("active"); }
    at = (at + step + marks.length) % marks.length;
    var mark = marks[at];
    mark.classList.add("active");
    mark.scrollIntoView({block: "center"});
    var count = document.querySelector(".hitcount");
    var text = "第 " + (at + 1) + " / " + marks.length + " 处匹配";
    if (count) { count.textContent = text; }
    announce(text);
  }

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest(".hit-next, .hit-prev");
    if (!link || !marks.length) { return; }
    e.preventDefault();
    showHit(link.classList.contains("hit-next") ? 1 : -1);
  });

  // --- keyboard: / focuses the search box; n and p step through hits ----------------------
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing()) { return; }
    var box = document.getElementById("q");
    if (e.key === "/" && box) {
      e.preventDefault();
      box.focus();
      box.select();
    } else if ((e.key === "n" || e.key === "p") && marks.length) {
      e.preventDefault();
      showHit(e.key === "n" ? 1 : -1);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    marks = Array.prototype.slice.call(document.querySelectorAll("article.report mark"));
    var target = document.querySelector("[data-target]");
    if (target && !location.hash) { target.scrollIntoView({block: "center"}); }
    foldFacets();
    loadFacets();
  });

  // Facets fold away on a phone, so the results come first.
  function foldFacets() {
    var facets = document.querySelector("details.facets");
    if (facets && window.matchMedia && window.matchMedia("(max-width: 820px)").matches) {
      facets.open = false;
    }
  }

  // --- facet counts of a large result list arrive after the results ------------------------
  function loadFacets() {
    var slot = document.querySelector(".facets-slot[data-src]");
    if (!slot || !window.fetch) { return; }
    fetch(slot.getAttribute("data-src"), {headers: {"Accept": "text/html"}}).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    }).then(function (html) {
      var open = slot.querySelector("details.facets").open;
      if (!html.trim()) {
        var layout = slot.closest(".layout");
        if (layout) { layout.classList.add("no-facets"); }
        slot.remove();
        return;
      }
      slot.innerHTML = html;
      slot.removeAttribute("data-src");
      var facets = slot.querySelector("details.facets");
      if (facets) { facets.open = open; }
    }).catch(function () {
      var wait = slot.querySelector(".facets-wait");
      if (wait) { wait.firstChild.textContent = "筛选统计暂时无法加载。"; }
    });
  }
})();

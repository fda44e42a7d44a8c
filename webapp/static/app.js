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

  // --- survey by report: a report's other matching paragraphs open in place ----------------
  function moreHit(r, q) {
    var li = document.createElement("li");
    li.className = "more-hit";
    var h = document.createElement("h3");
    var a = document.createElement("a");
    a.href = "/p/" + encodeURIComponent(r.id) + (q ? "?q=" + encodeURIComponent(q) : "");
    a.textContent = r.section || r.title;
    h.appendChild(a);
    li.appendChild(h);
    var p = document.createElement("p");
    p.className = "snippet";
    p.innerHTML = r.snippet;            // the server's snippet: all escaped but its <mark>s
    li.appendChild(p);
    var tools = document.createElement("div");
    tools.className = "actions";
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "excerpt-toggle needs-js";
    keep.setAttribute("data-excerpt", JSON.stringify({id: r.id, report_id: r.report_id, title: r.title,
      section: r.section, text: r.text, date: r.date, place: r.place, source_url: r.source_url, url: r.url, query: q}));
    keep.textContent = "摘录";
    var copy = document.createElement("button");
    copy.type = "button";
    copy.className = "copy";
    copy.setAttribute("data-kind", "gbt");
    copy.setAttribute("data-copy", r.citations ? r.citations.gbt : r.url);
    copy.textContent = "复制引文（国标格式）";
    tools.appendChild(keep);
    tools.appendChild(copy);
    li.appendChild(tools);
    return li;
  }

  function openReport(toggle) {
    var group = toggle.closest("li.group");
    var list = group.querySelector("ol.more-hits");
    var label = toggle.getAttribute("data-label") || toggle.textContent;
    toggle.setAttribute("data-label", label);
    if (list) {
      list.hidden = !list.hidden;
      toggle.setAttribute("aria-expanded", String(!list.hidden));
      toggle.textContent = list.hidden ? label : "收起";
      return;
    }
    var q = new URLSearchParams(location.search).get("q") || "";
    toggle.textContent = "正在载入……";
    fetch(toggle.getAttribute("data-src"), {headers: {"Accept": "application/json"}}).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      var best = toggle.getAttribute("data-best");
      list = document.createElement("ol");
      list.className = "more-hits";
      data.results.forEach(function (r) { if (r.id !== best) { list.appendChild(moreHit(r, q)); } });
      toggle.parentNode.after(list);
      toggle.setAttribute("aria-expanded", "true");
      toggle.textContent = "收起";
      announce("已展开本报告的其他 " + list.children.length + " 段");
      document.dispatchEvent(new CustomEvent("reportsearch:content", {detail: list}));
    }).catch(function () {
      toggle.removeAttribute("data-src");        // the next click follows the link instead
      toggle.textContent = "载入失败，点此在新页面查看";
    });
  }

  document.addEventListener("click", function (e) {
    var toggle = e.target.closest && e.target.closest("a.more-toggle[data-src]");
    if (!toggle || !window.fetch || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    e.preventDefault();
    openReport(toggle);
  });

  // --- a facet's values past the first twelve, shown in place ----------------------------------
  document.addEventListener("click", function (e) {
    var more = e.target.closest && e.target.closest("a.facet-more[data-src]");
    if (!more || !window.fetch) { return; }
    e.preventDefault();
    var section = more.closest("section.facet");
    more.textContent = "正在载入……";
    fetch(more.getAttribute("data-src"), {headers: {"Accept": "text/html"}}).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    }).then(function (html) {
      var box = document.createElement("template");
      box.innerHTML = html;
      var name = more.getAttribute("data-facet");
      var full = box.content.querySelector("section.facet[aria-labelledby='facet-" + name + "']");
      if (!full) { throw new Error("no facet"); }
      section.replaceWith(full);
      var items = full.querySelectorAll("li a");
      announce("已显示全部 " + items.length + " 项");
      if (items[12]) { items[12].focus(); }
    }).catch(function () {
      more.removeAttribute("data-src");
      more.textContent = "载入失败，点此重试";
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    marks = Array.prototype.slice.call(document.querySelectorAll("article.report mark"));
    var target = document.querySelector("[data-target]");
    // An old link to a changed paragraph: its notice sits just above the paragraph, and both
    // must be seen on arrival, so the notice goes to the top (below the reading bar).
    var notice = document.getElementById("notice");
    if (notice && !location.hash) {
      notice.scrollIntoView({block: "start"});
    } else if (target && !location.hash) {
      target.scrollIntoView({block: "center"});
    }
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

  // Counting the facets counts every match: a total the page gave as an upper bound becomes exact.
  function showTotal(counted) {
    var shown = document.querySelector(".stats .list-total");
    var bound = document.querySelector(".stats .bound");
    if (!counted || !shown || !bound) { return; }        // a total counted already, or a lower bound (至少)
    shown.textContent = counted.getAttribute("data-total");
    bound.remove();
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
      var parsed = document.createElement("template");
      parsed.innerHTML = html;
      showTotal(parsed.content.querySelector(".facets-total[data-total]"));
      var facets = parsed.content.querySelector("details.facets");
      if (!facets) {
        var layout = slot.closest(".layout");
        if (layout) { layout.classList.add("no-facets"); }
        slot.remove();
        return;
      }
      facets.open = open;
      slot.replaceChildren(facets);
      slot.removeAttribute("data-src");
    }).catch(function () {
      var wait = slot.querySelector(".facets-wait");
      if (wait) { wait.firstChild.textContent = "筛选统计暂时无法加载。"; }
    });
  }
})();

// 摘录: paragraphs marked while searching and reading, kept in this browser (localStorage) only.
// Every page: the 摘录 buttons and the count in the header. The /excerpts page: the list, with
// notes, reordering, removal and export (the server builds the .docx or .md from what is posted).
(function () {
  "use strict";

  var KEY = "reportsearch.excerpts.v1";
  var MAX = 500;
  var FIELDS = ["id", "report_id", "title", "section", "text", "date", "place", "source_url", "url", "query"];

  function load() {
    try {
      var list = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list.filter(function (x) { return x && typeof x.text === "string"; }) : [];
    } catch (e) {
      return [];
    }
  }

  function save(list) {
    try {
      localStorage.setItem(KEY, JSON.stringify(list));
      return true;
    } catch (e) {
      say("无法保存摘录：浏览器存储空间已满或被禁用");
      return false;
    }
  }

  function say(text) {
    var box = document.getElementById("announce");
    if (box) { box.textContent = ""; setTimeout(function () { box.textContent = text; }, 50); }
  }

  function indexOf(list, id) {
    for (var i = 0; i < list.length; i++) { if (list[i].id === id) { return i; } }
    return -1;
  }

  function webUrl(url) {
    return typeof url === "string" && /^https?:\/\/[^\s"'<>]+$/i.test(url) ? url : "";
  }

  // --- the 摘录 buttons and the header count ------------------------------------------------
  function showCount(list) {
    var n = (list || load()).length;
    Array.prototype.forEach.call(document.querySelectorAll(".excerpt-count"), function (el) {
      el.textContent = n ? "（" + n + "）" : "";
    });
  }

  function showButtons(root, list) {
    list = list || load();
    Array.prototype.forEach.call((root || document).querySelectorAll("button.excerpt-toggle"), function (b) {
      var id = data(b).id;
      var marked = indexOf(list, id) >= 0;
      b.setAttribute("aria-pressed", marked ? "true" : "false");
      b.textContent = marked ? "已摘录 ✓" : "摘录";
      b.title = marked ? "再点一次，从摘录中移除" : "把本段加入摘录";
    });
  }

  function data(button) {
    try { return JSON.parse(button.getAttribute("data-excerpt")) || {}; } catch (e) { return {}; }
  }

  function toggle(button) {
    var item = data(button);
    if (!item.id || !item.text) { return; }
    var list = load();
    var at = indexOf(list, item.id);
    if (at >= 0) {
      list.splice(at, 1);
      if (save(list)) { say("已从摘录中移除"); }
    } else if (list.length >= MAX) {
      say("摘录已满 " + MAX + " 条，请先导出或删除一些");
      return;
    } else {
      var kept = {note: "", added: new Date().toISOString()};
      FIELDS.forEach(function (k) { kept[k] = typeof item[k] === "string" ? item[k] : ""; });
      list.push(kept);
      if (save(list)) { say("已加入摘录，共 " + list.length + " 条"); }
    }
    showButtons(document, list);
    showCount(list);
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button.excerpt-toggle");
    if (button) { toggle(button); }
  });

  // Content added by a script (a report's other paragraphs opened in place) gets the state too.
  document.addEventListener("reportsearch:content", function (e) { showButtons(e.detail); });

  window.addEventListener("storage", function (e) {
    if (e.key !== KEY) { return; }
    showButtons();
    showCount();
    if (page()) { render(); }
  });

  // --- the /excerpts page ---------------------------------------------------------------------
  function page() { return document.querySelector("ol.excerpt-list"); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function link(href, text, external) {
    var a = el("a", external ? "source-url" : "", text);
    a.href = href;
    if (external) { a.rel = "noopener noreferrer"; a.target = "_blank"; }
    return a;
  }

  // As webapp/citations.py writes them: 《标题》（地区，2024年1月6日）.
  function chineseDate(date) {
    var m = /^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$/.exec(date || "");
    if (!m) { return date || ""; }
    return m[1] + "年" + (m[2] ? parseInt(m[2], 10) + "月" : "") + (m[3] ? parseInt(m[3], 10) + "日" : "");
  }

  function plain(x) {
    var known = [x.place, chineseDate(x.date)].filter(Boolean);
    return "《" + (x.title || "未命名报告") + "》" + (known.length ? "（" + known.join("，") + "）" : "");
  }

  function tool(label, action, i, disabled, name) {
    var b = el("button", "excerpt-" + action, label);
    b.type = "button";
    b.setAttribute("data-action", action);
    b.setAttribute("data-index", i);
    b.setAttribute("aria-label", name);
    b.disabled = disabled;
    return b;
  }

  function item(x, i, n) {
    var li = el("li", "excerpt");
    li.setAttribute("data-id", x.id);
    var head = el("p", "excerpt-source");
    var href = webUrl(x.url) || (/^\/p\//.test(x.url || "") ? x.url : "");
    head.appendChild(href ? link(href, plain(x)) : el("span", "", plain(x)));
    if (x.section) { head.appendChild(el("span", "section", " › " + x.section)); }
    li.appendChild(head);
    li.appendChild(el("blockquote", "excerpt-text", x.text));
    var meta = el("p", "meta");
    if (x.query) { meta.appendChild(el("span", "excerpt-query", "检索词：" + x.query)); }
    if (webUrl(x.source_url)) { meta.appendChild(link(x.source_url, "原文链接", true)); }
    li.appendChild(meta);
    var label = el("label", "excerpt-note-label", "备注");
    var note = el("textarea", "excerpt-note");
    note.rows = 2;
    note.value = x.note || "";
    note.setAttribute("data-index", i);
    note.placeholder = "写下为什么摘这一段、准备用在哪里";
    label.appendChild(note);
    li.appendChild(label);
    var tools = el("div", "excerpt-tools");
    tools.setAttribute("role", "group");
    tools.setAttribute("aria-label", "第 " + (i + 1) + " 条摘录");
    tools.appendChild(tool("↑ 上移", "up", i, i === 0, "上移第 " + (i + 1) + " 条"));
    tools.appendChild(tool("↓ 下移", "down", i, i === n - 1, "下移第 " + (i + 1) + " 条"));
    tools.appendChild(tool("删除", "remove", i, false, "删除第 " + (i + 1) + " 条"));
    li.appendChild(tools);
    return li;
  }

  function render(focus) {
    var ol = page();
    var list = load();
    ol.textContent = "";
    list.forEach(function (x, i) { ol.appendChild(item(x, i, list.length)); });
    var empty = document.querySelector(".excerpt-empty");
    if (empty) { empty.hidden = list.length > 0; }
    var form = document.querySelector("form.excerpt-export");
    if (form) { form.hidden = list.length === 0; }
    if (focus) {
      var target = ol.querySelector("[data-action='" + focus.action + "'][data-index='" + focus.index + "']");
      if (target && !target.disabled) { target.focus(); } else if (ol.querySelector("button")) { ol.querySelector("button").focus(); }
    }
  }

  function act(button) {
    var list = load();
    var i = parseInt(button.getAttribute("data-index"), 10);
    var action = button.getAttribute("data-action");
    if (!(i >= 0 && i < list.length)) { return; }
    var j = action === "up" ? i - 1 : i + 1;
    if (action === "remove") {
      list.splice(i, 1);
      j = Math.min(i, list.length - 1);
    } else if (j >= 0 && j < list.length) {
      var moved = list.splice(i, 1)[0];
      list.splice(j, 0, moved);
    } else {
      return;
    }
    save(list);
    render({action: action === "remove" ? "remove" : action, index: j});
    showCount(list);
    say(action === "remove" ? "已删除" : "已移到第 " + (j + 1) + " 条");
  }

  function filename(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var m = /filename\*=UTF-8''([^;]+)/i.exec(header);
    return m ? decodeURIComponent(m[1]) : fallback;
  }

  function exportAs(fmt, form) {
    var status = form.querySelector(".export-status");
    var checked = form.querySelector("input[name=group]:checked");
    var body = JSON.stringify({group: checked ? checked.value : "query", items: load()});
    status.textContent = "正在生成……";
    fetch("/api/excerpts/export." + fmt, {method: "POST", headers: {"Content-Type": "application/json"}, body: body})
      .then(function (response) {
        if (!response.ok) {
          return response.json().then(function (e) { throw new Error(e.error.message); },
                                      function () { throw new Error("服务器返回 " + response.status); });
        }
        return response.blob().then(function (blob) {
          var a = el("a");
          a.href = URL.createObjectURL(blob);
          a.download = filename(response, "摘录." + fmt);
          document.body.appendChild(a);
          a.click();
          setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
          status.textContent = "已导出 " + a.download;
        });
      })
      .catch(function (e) { status.textContent = "导出失败：" + e.message; });
  }

  function setUpPage() {
    var ol = page();
    if (!ol) { return; }
    render();
    ol.addEventListener("click", function (e) {
      var button = e.target.closest && e.target.closest("button[data-action]");
      if (button) { act(button); }
    });
    ol.addEventListener("input", function (e) {
      if (!e.target.classList.contains("excerpt-note")) { return; }
      var list = load();
      var i = parseInt(e.target.getAttribute("data-index"), 10);
      if (list[i]) { list[i].note = e.target.value.slice(0, 5000); save(list); }
    });
    var form = document.querySelector("form.excerpt-export");
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("click", function (e) {
      var button = e.target.closest && e.target.closest("button");
      if (!button) { return; }
      if (button.hasAttribute("data-export")) { exportAs(button.getAttribute("data-export"), form); }
      if (button.hasAttribute("data-clear")) { clear(button); }
    });
  }

  // Clearing asks twice with the same button rather than a dialog.
  function clear(button) {
    if (button.getAttribute("data-armed") !== "1") {
      button.setAttribute("data-armed", "1");
      button.textContent = "确定清空全部摘录？再点一次";
      setTimeout(function () { button.removeAttribute("data-armed"); button.textContent = "清空摘录"; }, 4000);
      return;
    }
    save([]);
    render();
    showCount([]);
    say("摘录已清空");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    showButtons();
    showCount();
    setUpPage();
  });
})();

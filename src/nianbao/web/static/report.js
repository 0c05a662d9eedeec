// Report pages: click a table cell (or a finding) to see where it came from in the source.
(function () {
  "use strict";
  function setup(rv) {
    var provEl = rv.querySelector("script.prov");
    var prov = provEl ? JSON.parse(provEl.textContent || "{}") : {};
    var status = rv.querySelector(".src-status");
    var pane = rv.querySelector(".rv-source");
    function clear() {
      rv.querySelectorAll("td.value.selected").forEach(function (td) { td.classList.remove("selected"); });
      rv.querySelectorAll(".ln.hl").forEach(function (ln) {
        ln.classList.remove("hl");
        var tx = ln.querySelector(".tx");
        if (tx && tx.dataset.orig !== undefined) { tx.textContent = tx.dataset.orig; }
      });
      rv.querySelectorAll(".bbox").forEach(function (b) { b.hidden = true; });
      rv.querySelectorAll(".finding.active").forEach(function (f) { f.classList.remove("active"); });
    }
    function scrollTo(el) {
      if (!pane || !el) return;
      var top = el.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop - pane.clientHeight / 3;
      pane.scrollTop = Math.max(0, top);
    }
    function showLine(p) {
      var ln = rv.querySelector('.ln[data-n="' + p.line + '"]');
      if (!ln) return false;
      ln.classList.add("hl");
      var tx = ln.querySelector(".tx");
      var text = tx.textContent;
      if (tx.dataset.orig === undefined) tx.dataset.orig = text;
      if (p.start !== null && p.end !== null && p.end > p.start && p.end <= text.length) {
        tx.textContent = "";
        tx.appendChild(document.createTextNode(text.slice(0, p.start)));
        var m = document.createElement("mark");
        m.textContent = text.slice(p.start, p.end);
        tx.appendChild(m);
        tx.appendChild(document.createTextNode(text.slice(p.end)));
      }
      scrollTo(ln);
      return true;
    }
    function showBox(p) {
      var page = rv.querySelector('.page[data-page="' + p.page + '"]');
      if (!page) return false;
      var box = page.querySelector(".bbox");
      if (p.bbox) {
        var w = parseFloat(page.dataset.w), h = parseFloat(page.dataset.h);
        box.style.left = (100 * p.bbox[0] / w) + "%";
        box.style.top = (100 * p.bbox[1] / h) + "%";
        box.style.width = (100 * (p.bbox[2] - p.bbox[0]) / w) + "%";
        box.style.height = (100 * (p.bbox[3] - p.bbox[1]) / h) + "%";
        box.hidden = false;
        scrollTo(box);
      } else {
        scrollTo(page);
      }
      return true;
    }
    function select(td) {
      clear();
      td.classList.add("selected");
      var key = td.dataset.key, p = prov[key];
      var label = td.dataset.label || key;
      var msg = label + "：" + (td.textContent.trim() || "（空白）");
      (td.dataset.findings || "").split(",").filter(Boolean).forEach(function (i) {
        var f = rv.querySelector('.finding[data-idx="' + i + '"]');
        if (f) f.classList.add("active");
      });
      if (!p) { status.textContent = msg + " · 原文中没有找到出处"; return; }
      var where = p.page ? "第 " + p.page + " 页" : "";
      if (p.line) where += (where ? "，" : "") + "第 " + p.line + " 行";
      var shown = (p.bbox && showBox(p)) || (p.line && showLine(p)) || (p.page && showBox(p));
      status.textContent = msg + " · 出处：" + where + (shown ? "" : "（原文未显示）");
    }
    rv.querySelectorAll("td.value").forEach(function (td) {
      td.addEventListener("click", function () { select(td); });
      td.addEventListener("keydown", function (e) { if (e.key === "Enter") select(td); });
    });
    rv.querySelectorAll(".finding").forEach(function (f) {
      f.addEventListener("click", function (e) {
        if (e.target.closest("form")) return;
        var ref = f.dataset.ref;
        if (!ref) return;
        var td = rv.querySelector('td.value[data-key="' + ref + '"]') || rv.querySelector('td.value[data-key^="' + ref + '."]');
        if (td) { select(td); td.scrollIntoView({ block: "center" }); f.classList.add("active"); }
      });
    });
  }
  document.querySelectorAll("section.rv").forEach(setup);
})();

// Writing form: live identity checks from the template's sums (served by /api/template/{format}).
(function () {
  "use strict";
  var form = document.getElementById("write-form");
  if (!form) return;
  var out = document.getElementById("live-checks");
  var inputs = {};
  form.querySelectorAll("input[data-key]").forEach(function (i) { inputs[i.dataset.key] = i; });
  function val(k) {
    var i = inputs[k];
    if (!i || i.value.trim() === "") return null;
    var v = Number(i.value.trim());
    return isNaN(v) ? NaN : v;
  }
  fetch("/api/template/" + form.dataset.format).then(function (r) { return r.json(); }).then(function (tpl) {
    function run() {
      form.querySelectorAll("td.value.bad").forEach(function (td) { td.classList.remove("bad"); });
      out.textContent = "";
      var bad = 0, blank = 0, checked = 0;
      Object.keys(inputs).forEach(function (k) {
        var v = val(k);
        if (v === null) { blank++; return; }
        if (isNaN(v) || (inputs[k].inputMode === "numeric" && (v < 0 || Math.floor(v) !== v))) {
          inputs[k].parentNode.classList.add("bad");
          var p = document.createElement("div"); p.className = "bad";
          p.textContent = k + "：应填非负整数"; out.appendChild(p); bad++;
        }
      });
      tpl.equations.forEach(function (e) {
        var l = 0, r = 0, miss = false;
        e.lhs.forEach(function (k) { var v = val(k); if (v === null || isNaN(v)) miss = true; else l += v; });
        e.rhs.forEach(function (k) { var v = val(k); if (v === null || isNaN(v)) miss = true; else r += v; });
        if (miss) return;
        checked++;
        if (Math.abs(l - r) > 1e-9) {
          bad++;
          e.lhs.concat(e.rhs).forEach(function (k) { if (inputs[k]) inputs[k].parentNode.classList.add("bad"); });
          var p = document.createElement("div"); p.className = "bad";
          p.textContent = e.title + "：" + e.label + " 应为 " + r + "，现为 " + l;
          out.appendChild(p);
        }
      });
      var s = document.createElement("div"); s.className = bad ? "bad" : "good";
      s.textContent = (bad ? "有 " + bad + " 处问题" : "已核对的勾稽关系均成立") + "（已核对 " + checked + " 条，空白 " + blank + " 格；空白应填 0）";
      out.insertBefore(s, out.firstChild);
    }
    form.addEventListener("input", run);
    run();
  });
})();

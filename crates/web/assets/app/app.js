// Draws every `.chart` element with ECharts from its data attributes; no inline scripts,
// so the Content-Security-Policy can forbid them.
(function () {
  "use strict";

  var palette = ["#c8161d", "#e8a33d", "#3b7dd8", "#4caf7a", "#8e5cc4", "#d9534f", "#5bc0de", "#777"];

  // Labels fit the chart's width: long names are cut with an ellipsis (the tooltip and the
  // data table under the chart give them whole), and on a phone a bar chart of many
  // categories turns on its side so that each name has a line of its own.
  function option(kind, data, width) {
    var narrow = width < 480;
    if (kind === "pie") {
      return {
        color: palette,
        tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）", confine: true },
        legend: { bottom: 0, type: "scroll" },
        series: [{ type: "pie", radius: narrow ? ["30%", "55%"] : ["35%", "65%"], center: ["50%", "45%"],
                   data: data,
                   label: { formatter: "{b}\n{c}", width: narrow ? 64 : 120, overflow: "truncate" },
                   labelLine: { length: narrow ? 6 : 15, length2: narrow ? 6 : 10 } }]
      };
    }
    var names = data.map(function (d) { return d.name; });
    var values = data.map(function (d) { return d.value; });
    var horizontal = kind === "hbar";
    var labelWidth = horizontal ? Math.min(180, Math.round(width * 0.36)) : 90;
    var cat = { type: "category", data: names,
                axisLabel: { interval: 0, rotate: horizontal ? 0 : 30, width: labelWidth, overflow: "truncate" } };
    var val = { type: "value" };
    return {
      color: palette,
      tooltip: { trigger: "axis", confine: true },
      grid: { left: 8, right: horizontal ? 36 : 16, top: 20, bottom: 8, containLabel: true },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? Object.assign(cat, { inverse: true }) : val,
      series: [{ type: "bar", data: values, label: { show: true, position: horizontal ? "right" : "top" } }]
    };
  }

  function kindFor(el, data) {
    var kind = el.getAttribute("data-kind");
    return kind === "bar" && el.clientWidth < 600 && data.length > 6 ? "hbar" : kind;
  }

  function drawOne(el) {
    var data;
    try { data = JSON.parse(el.getAttribute("data-series") || "[]"); } catch (e) { data = []; }
    var kind = kindFor(el, data);
    if (kind === "hbar") {
      el.style.height = Math.max(260, data.length * 22 + 40) + "px";
    }
    // The page's own drawing, shown until now, holds links and so is no image; the canvas is.
    el.textContent = "";
    if (el.hasAttribute("data-label")) {
      el.setAttribute("role", "img");
      el.setAttribute("aria-label", el.getAttribute("data-label"));
    }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(kind, data, el.clientWidth));
    // Each bar or slice opens the list it counts (the table under the chart has the same links).
    chart.on("click", function (p) {
      var d = data[p.dataIndex];
      if (d && d.link) { window.location.href = d.link; }
    });
    return chart;
  }

  // Charts are drawn as they come into view: a dashboard's first screen shows at once.
  function draw() {
    if (typeof echarts === "undefined") { return; }
    var charts = [];
    var els = document.querySelectorAll(".chart");
    if (!("IntersectionObserver" in window)) {
      els.forEach(function (el) { charts.push(drawOne(el)); });
    } else {
      var io = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (e.isIntersecting) { io.unobserve(e.target); charts.push(drawOne(e.target)); }
        });
      }, { rootMargin: "200px" });
      els.forEach(function (el) { io.observe(el); });
      // Printing shows every chart, drawn or not.
      window.addEventListener("beforeprint", function () {
        els.forEach(function (el) {
          if (!el.hasAttribute("_echarts_instance_")) { io.unobserve(el); charts.push(drawOne(el)); }
        });
      });
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  // A picker marked data-autosubmit shows its choice at once (its button stays for no script).
  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
      sel.addEventListener("change", function () { if (sel.form) { sel.form.submit(); } });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("DOMContentLoaded", autosubmit);

  // A long picker with a search box: options (and whole towns) that do not match are hidden;
  // a town's name shows all its villages.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-filter-for]").forEach(function (box) {
      var sel = document.getElementById(box.getAttribute("data-filter-for"));
      if (!sel) { return; }
      box.addEventListener("input", function () {
        var q = box.value.trim();
        sel.querySelectorAll("optgroup").forEach(function (g) {
          var town = q !== "" && g.label.indexOf(q) >= 0;
          var any = false;
          g.querySelectorAll("option").forEach(function (o) {
            var show = q === "" || town || o.textContent.indexOf(q) >= 0;
            o.hidden = !show;
            any = any || show;
          });
          g.hidden = !any;
        });
      });
    });
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  });

  // A form or a button marked data-confirm asks before it is sent (no inline handlers: the
  // Content-Security-Policy forbids them).
  document.addEventListener("submit", function (evt) {
    var b = evt.submitter;
    var form = evt.target;
    var q = (b && b.getAttribute("data-confirm")) || (form.getAttribute && form.getAttribute("data-confirm"));
    if (q && !window.confirm(q)) { evt.preventDefault(); }
  });

  // A form marked data-swap-refused is answered 422 with the page showing why it was refused:
  // that answer is shown (htmx leaves 4xx answers out by default).
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var elt = evt.target;
    if (evt.detail.xhr.status === 422 && elt && elt.closest && elt.closest("[data-swap-refused]")) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  // An upload refused before it reached a handler (too large) has no fragment to show:
  // say so where the form shows its answers.
  document.addEventListener("htmx:responseError", function (evt) {
    var form = evt.detail.elt && evt.detail.elt.closest ? evt.detail.elt.closest("form") : null;
    var target = form ? form.querySelector("#upload-result, [data-upload-result]") : null;
    if (!target) { return; }
    var status = evt.detail.xhr.status;
    var p = document.createElement("p");
    p.className = "alert";
    p.setAttribute("role", "alert");
    p.id = "upload-error";
    p.textContent = status === 413 ? (form.getAttribute("data-too-large") || "文件过大") : "上传失败（" + status + "），请稍后重试";
    target.replaceChildren(p);
  });
})();

// priceradar UI behaviour: the price chart, "select all", and upload progress.
// Loaded as a file (the CSP allows no inline script); every feature is optional enhancement.
(function () {
  "use strict";

  function fmtPrice(v, currency) {
    if (v == null) return "–";
    return v.toFixed(2) + (currency ? " " + currency : "");
  }

  function buildChart(el, data) {
    if (!window.uPlot || !data.points.length) return null;
    var xs = [], ys = [];
    data.points.forEach(function (p) { xs.push(p[0]); ys.push(p[1]); });
    // The last stored price holds until now: extend the step line to the present.
    var last = data.points[data.points.length - 1];
    if (data.now > last[0]) { xs.push(data.now); ys.push(last[1]); }
    var median = xs.map(function () { return data.median; });
    var lowest = xs.map(function () { return data.lowest; });
    var stepped = uPlot.paths.stepped({ align: 1 });

    function drawBands(u) {
      var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
      ctx.save();
      ctx.fillStyle = "rgba(220, 38, 38, 0.12)";
      data.out_of_stock.forEach(function (span) {
        var x0 = u.valToPos(span[0], "x", true), x1 = u.valToPos(span[1], "x", true);
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
      });
      ctx.restore();
    }
    function drawDeals(u) {
      var ctx = u.ctx, r = 5 * devicePixelRatio;
      ctx.save();
      ctx.fillStyle = "#7c3aed";
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 1.5 * devicePixelRatio;
      data.deals.forEach(function (d) {
        if (d.price == null) return;
        var x = u.valToPos(Math.max(d.start, u.scales.x.min), "x", true);
        var y = u.valToPos(d.price, "y", true);
        ctx.beginPath();
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      });
      ctx.restore();
    }

    var opts = {
      width: el.clientWidth || 800,
      height: 320,
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      axes: [
        { stroke: "#6b7280", grid: { stroke: "#f0f1f3" } },
        { stroke: "#6b7280", grid: { stroke: "#f0f1f3" }, size: 70,
          values: function (u, vals) { return vals.map(function (v) { return v.toFixed(2); }); } },
      ],
      series: [
        {},
        { label: "Price", stroke: "#0f766e", width: 2, fill: "rgba(15, 118, 110, 0.06)", paths: stepped,
          points: { show: true, size: 4 } },
        { label: "Median", stroke: "#2563eb", width: 1.5, dash: [6, 4], points: { show: false } },
        { label: "Lowest", stroke: "#d97706", width: 1.5, dash: [2, 3], points: { show: false } },
      ],
      hooks: { drawClear: [drawBands], draw: [drawDeals] },
    };
    var plot = new uPlot(opts, [xs, ys, median, lowest], el);
    window.addEventListener("resize", function () { plot.setSize({ width: el.clientWidth, height: 320 }); });
    el.setAttribute("title", "Latest " + fmtPrice(last[1], data.currency));
    return plot;
  }

  function initChart() {
    var el = document.getElementById("price-chart");
    var src = document.getElementById("chart-data");
    if (!el || !src) return;
    var data = JSON.parse(src.textContent);
    window.priceradarChart = { given: data, plot: buildChart(el, data) };
  }

  function initSelectAll() {
    var all = document.getElementById("select-all");
    var count = document.getElementById("selected-count");
    if (!all) return;
    var boxes = function () { return document.querySelectorAll('input[name="ids"]'); };
    var update = function () {
      var n = Array.prototype.filter.call(boxes(), function (b) { return b.checked; }).length;
      if (count) count.textContent = n ? n + " selected" : "Select products for an action";
    };
    all.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
      update();
    });
    document.addEventListener("change", function (e) {
      if (e.target && e.target.name === "ids") update();
    });
  }

  function initUploadProgress() {
    document.body.addEventListener("htmx:xhr:progress", function (evt) {
      var bar = document.getElementById("upload-progress");
      if (!bar || !evt.detail.lengthComputable) return;
      bar.classList.remove("hidden");
      bar.value = Math.round((evt.detail.loaded / evt.detail.total) * 100);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initChart();
    initSelectAll();
    initUploadProgress();
  });
})();

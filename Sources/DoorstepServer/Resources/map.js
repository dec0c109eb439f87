// The planners' map of `doorstep serve`: coverage by unit, facilities, uncovered areas, scenarios and
// suggested sites. Every number comes from the server's endpoints.
(function () {
  "use strict";
  var C = window.DOORSTEP;
  var T = {
    zh: {
      title: "家门口幸福助老 · 覆盖地图", place: "放置拟建设施", placing: "点击地图放置…", clear: "清除方案",
      suggest: "建议选址数量", run: "运行", downloads: "下载", api: "OGC API 接口",
      elderly: "老年人", covered: "已覆盖", ratio: "覆盖率", before: "方案前", after: "方案后", newly: "新增覆盖",
      units: "个单元", legend: "覆盖率", facilities: "现有设施", uncovered: "未覆盖区域", proposed: "拟建设施",
      gaps: "缺口清单 (GeoJSON)", coverageCsv: "覆盖率表 (CSV)", gapsCsv: "缺口表 (CSV)", report: "报告 (HTML)",
      running: "正在计算选址…", sites: "建议选址", noData: "无数据", changed: "覆盖变化的单元", unit: "单元",
      name: "名称", total: "老年人", lang: "English", failed: "出错：", cancelled: "已取消"
    },
    en: {
      title: "Doorstep · coverage map", place: "Place a facility", placing: "Click the map to place…", clear: "Clear scenario",
      suggest: "Suggest sites:", run: "Run", downloads: "Downloads", api: "OGC API",
      elderly: "Elderly", covered: "Covered", ratio: "Coverage", before: "Before", after: "After", newly: "Newly covered",
      units: "units", legend: "Coverage ratio", facilities: "Facilities", uncovered: "Uncovered areas", proposed: "Proposed",
      gaps: "Gap list (GeoJSON)", coverageCsv: "Coverage table (CSV)", gapsCsv: "Gap table (CSV)", report: "Report (HTML)",
      running: "Choosing sites…", sites: "Suggested sites", noData: "no data", changed: "Units whose coverage changed", unit: "Unit",
      name: "Name", total: "Elderly", lang: "中文", failed: "Failed: ", cancelled: "cancelled"
    }
  };
  var lang = "zh";
  function t(key) { return T[lang][key] || key; }
  var $ = function (id) { return document.getElementById(id); };

  var map = L.map("map", { preferCanvas: false });
  if (C.tiles) { L.tileLayer(C.tiles, { attribution: C.attribution || "", maxZoom: 19 }).addTo(map); }
  map.setView([30.27, 120.15], 11);

  var breaks = [0.5, 0.7, 0.8, 0.9];
  var colours = ["#d73027", "#fc8d59", "#fee08b", "#91cf60", "#1a9850"];
  function colour(ratio) {
    if (ratio === null || ratio === undefined) { return "#bdbdbd"; }
    for (var i = 0; i < breaks.length; i++) { if (ratio < breaks[i]) { return colours[i]; } }
    return colours[colours.length - 1];
  }
  function pct(r) { return r === null || r === undefined ? "–" : (r * 100).toFixed(1) + "%"; }
  function num(n) { return Math.round(n).toLocaleString(lang === "zh" ? "zh-CN" : "en"); }
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }

  var state = { kind: C.kinds.length ? C.kinds[0].kind : null, units: {}, totals: null, proposed: [], placing: false, scenario: null };
  var unitLayer = L.featureGroup().addTo(map), facilityLayer = L.featureGroup().addTo(map);
  var gapLayer = L.featureGroup().addTo(map), proposedLayer = L.featureGroup().addTo(map), siteLayer = L.featureGroup().addTo(map);

  var legend = L.control({ position: "bottomleft" });
  legend.onAdd = function () { var div = L.DomUtil.create("div", "legend"); div.id = "legend"; return div; };
  legend.addTo(map);
  function drawLegend() {
    var rows = ["<b>" + t("legend") + "</b>"];
    var labels = ["< 50%", "50–70%", "70–80%", "80–90%", "≥ 90%"];
    for (var i = 0; i < colours.length; i++) { rows.push('<i style="background:' + colours[i] + '"></i>' + labels[i]); }
    rows.push('<i style="background:#bdbdbd"></i>' + t("noData"));
    rows.push('<i style="background:repeating-linear-gradient(45deg,#b71c1c 0 3px,#fff 3px 6px)"></i>' + t("uncovered"));
    rows.push('<i style="background:#1565c0;border-radius:50%"></i>' + t("facilities"));
    rows.push('<i style="background:#ff6f00;border-radius:50%"></i>' + t("proposed"));
    $("legend").innerHTML = rows.join("<br>");
  }

  // The token kept by the registry's page (/names) in this tab, sent so that the map works on a
  // --private server once signed in there.
  function withToken(headers) {
    var token = "";
    try { token = sessionStorage.getItem("doorstep-token") || ""; } catch (e) { token = ""; }
    if (token) { headers.Authorization = "Bearer " + token; }
    return headers;
  }
  function getJSON(url) {
    return fetch(url, { headers: withToken({ Accept: "application/geo+json, application/json" }) }).then(function (r) {
      if (!r.ok) { return r.json().then(function (p) { throw new Error(p.detail || r.status); }); }
      return r.json();
    });
  }
  function postJSON(url, body) {
    return fetch(url, { method: "POST", headers: withToken({ "Content-Type": "application/json" }), body: JSON.stringify(body) }).then(function (r) {
      return r.json().then(function (value) { if (!r.ok) { throw new Error(value.detail || r.status); } return value; });
    });
  }
  function status(text) { $("status").textContent = text || ""; }

  function load() {
    unitLayer.clearLayers(); facilityLayer.clearLayers(); gapLayer.clearLayers(); siteLayer.clearLayers();
    state.units = {}; state.totals = null;
    if (!state.kind) { return Promise.resolve(); }
    var levelFilter = C.allLevels ? "&level=" + C.level : "";
    var kind = encodeURIComponent(state.kind);
    return Promise.all([
      getJSON("/collections/coverage-" + kind + "/items?limit=10000" + levelFilter),
      getJSON("/collections/facilities/items?limit=10000&kind=" + kind),
      getJSON("/collections/gaps-" + kind + "/items?limit=10000&gap=area" + levelFilter)
    ]).then(function (all) {
      var coverage = all[0], facilities = all[1], gaps = all[2];
      var total = 0, covered = 0;
      var labels = coverage.features.length <= 300;
      coverage.features.forEach(function (f) {
        var p = f.properties;
        total += p.elderly_total; covered += p.elderly_covered;
        var layer = L.geoJSON(f, { style: { color: "#555", weight: 1, fillColor: colour(p.coverage_ratio), fillOpacity: 0.6 } });
        layer.on("click", function (e) { if (!state.placing) { L.DomEvent.stopPropagation(e); showUnit(p.code); } });
        if (labels) { layer.bindTooltip(esc(p.name), { permanent: true, direction: "center", className: "lbl" }); }
        layer.addTo(unitLayer);
        state.units[p.code] = { props: p, layer: layer };
      });
      state.totals = { total: total, covered: covered };
      gaps.features.forEach(function (f) {
        L.geoJSON(f, { interactive: false, style: { className: "hatched", color: "#b71c1c", weight: 1, fillOpacity: 1 } }).addTo(gapLayer);
      });
      facilities.features.forEach(function (f) {
        var c = f.geometry.coordinates;
        L.circleMarker([c[1], c[0]], { radius: 4, color: "#0d47a1", weight: 1, fillColor: "#1565c0", fillOpacity: 0.9 })
          .bindTooltip(esc(f.properties.name)).addTo(facilityLayer);
      });
      if (coverage.features.length) { map.fitBounds(unitLayer.getBounds()); }
      figures();
      if (state.proposed.length) { runScenario(); }
    }).catch(function (e) { status(t("failed") + e.message); });
  }

  function figures() {
    var f = state.totals;
    if (!f) { $("figures").innerHTML = ""; return; }
    var rows = "<table><tr><th></th><th>" + t("covered") + "</th><th>" + t("ratio") + "</th></tr>";
    rows += "<tr><td>" + t("before") + '</td><td id="covered-before">' + num(f.covered) + '</td><td id="ratio-before">' + pct(f.total ? f.covered / f.total : null) + "</td></tr>";
    if (state.scenario) {
      var after = f.covered + state.scenario.newly_covered;
      rows += "<tr><td>" + t("after") + '</td><td id="covered-after">' + num(after) + '</td><td id="ratio-after">' + pct(f.total ? after / f.total : null) + "</td></tr>";
    }
    rows += "</table><p>" + t("elderly") + ": " + num(f.total) + " · " + Object.keys(state.units).length + " " + t("units") + "</p>";
    $("figures").innerHTML = rows;
  }

  function showUnit(code) {
    var u = state.units[code];
    if (!u) { return; }
    var rows = Object.keys(u.props).map(function (k) {
      var v = u.props[k];
      return "<tr><th>" + esc(k) + "</th><td>" + esc(v === null ? "–" : typeof v === "number" ? Math.round(v * 10000) / 10000 : v) + "</td></tr>";
    });
    $("unit").innerHTML = "<h2>" + esc(u.props.name) + "</h2><table id=\"unit-row\">" + rows.join("") + "</table>";
  }

  function runScenario() {
    if (!state.proposed.length) { state.scenario = null; $("scenario").innerHTML = ""; figures(); restyle({}); return; }
    var body = {
      kind: state.kind, level: C.level,
      facilities: { type: "FeatureCollection", features: state.proposed.map(function (ll, i) {
        return { type: "Feature", properties: { id: "proposed-" + (i + 1) }, geometry: { type: "Point", coordinates: [ll.lng, ll.lat] } };
      }) }
    };
    postJSON("/api/scenarios", body).then(function (s) {
      state.scenario = s;
      var changed = {};
      var rows = s.units.filter(function (u) { return u.elderly_covered_after > u.elderly_covered_before; }).map(function (u) {
        changed[u.code] = u.coverage_ratio_after;
        return "<tr><td>" + esc(u.name) + "</td><td>" + pct(u.coverage_ratio_before) + " → " + pct(u.coverage_ratio_after) + "</td></tr>";
      });
      $("scenario").innerHTML = '<p id="newly">' + t("newly") + ": <b>" + num(s.newly_covered) + "</b></p>"
        + (rows.length ? "<h2>" + t("changed") + "</h2><table>" + rows.join("") + "</table>" : "");
      figures();
      restyle(changed);
    }).catch(function (e) { status(t("failed") + e.message); });
  }

  function restyle(changed) {
    Object.keys(state.units).forEach(function (code) {
      var u = state.units[code];
      var ratio = code in changed ? changed[code] : u.props.coverage_ratio;
      u.layer.setStyle({ fillColor: colour(ratio), weight: code in changed ? 3 : 1 });
    });
  }

  map.on("click", function (e) {
    if (!state.placing || !state.kind) { return; }
    state.proposed.push(e.latlng);
    L.circle(e.latlng, { radius: radiusOf(state.kind), color: "#ff6f00", weight: 1, fillOpacity: 0.08, interactive: false }).addTo(proposedLayer);
    L.circleMarker(e.latlng, { radius: 6, color: "#e65100", fillColor: "#ff6f00", fillOpacity: 1 }).addTo(proposedLayer);
    runScenario();
  });
  function radiusOf(kind) { for (var i = 0; i < C.kinds.length; i++) { if (C.kinds[i].kind === kind) { return C.kinds[i].radius_m; } } return 500; }

  // The "suggest sites" control (and ?suggest=N): a site job, polled until it ends, its sites drawn
  // as numbered markers (class site-num, text = rank). Returns a promise settled when the job has
  // ended and the sites are drawn (or the failure shown).
  function suggest() {
    var n = parseInt($("n").value, 10) || 1;
    status(t("running"));
    siteLayer.clearLayers();
    return postJSON("/api/site", { kind: state.kind, level: C.level, add: n, time_limit: 30 }).then(function (job) {
      return new Promise(function (resolve) {
        function poll() {
          getJSON("/api/jobs/" + job.id).then(function (j) {
            if (j.status === "running") { setTimeout(poll, 500); return; }
            if (j.status !== "succeeded") { status(t("failed") + (j.error || t("cancelled"))); resolve(); return; }
            var r = j.result;
            r.sites.features.forEach(function (f) {
              var c = f.geometry.coordinates;
              L.marker([c[1], c[0]], { icon: L.divIcon({ className: "site-num", html: String(f.properties.rank), iconSize: [20, 20] }) })
                .bindTooltip("#" + f.properties.rank + " +" + num(f.properties.gain_elderly)).addTo(siteLayer);
            });
            status(t("sites") + ": " + r.sites.features.length + " · " + pct(r.coverage_ratio_before) + " → " + pct(r.coverage_ratio_after));
            resolve();
          }).catch(function (e) { status(t("failed") + e.message); resolve(); });
        }
        poll();
      });
    }).catch(function (e) { status(t("failed") + e.message); });
  }

  function downloads() {
    var k = encodeURIComponent(state.kind || "");
    $("downloads").innerHTML = [
      ["/collections/gaps-" + k + "/items?limit=10000&f=json", t("gaps")],
      ["/downloads/coverage-" + k + ".csv", t("coverageCsv")],
      ["/downloads/gaps-" + k + ".csv", t("gapsCsv")],
      ["/downloads/report-" + k + ".html?lang=" + lang, t("report")]
    ].map(function (d) { return '<li><a href="' + d[0] + '" download>' + esc(d[1]) + "</a></li>"; }).join("");
    Array.prototype.forEach.call($("downloads").querySelectorAll("a"), function (a) { a.onclick = downloadWithToken; });
  }

  // A plain link cannot carry the token: on a --private server, fetch the file with it and hand
  // the browser the bytes instead.
  function downloadWithToken(event) {
    var headers = withToken({});
    if (!headers.Authorization) { return true; }
    event.preventDefault();
    var href = this.getAttribute("href");
    var name = href.split("?")[0].split("/").pop() || "download";
    if (name === "items") { name = "gaps-" + (state.kind || "") + ".geojson"; }
    fetch(href, { headers: headers }).then(function (r) {
      if (!r.ok) { return r.json().then(function (p) { throw new Error(p.detail || r.status); }); }
      return r.blob();
    }).then(function (blob) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = name;
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    }).catch(function (e) { status(t("failed") + e.message); });
    return false;
  }

  function translate() {
    document.documentElement.lang = lang;
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (el) { el.textContent = t(el.getAttribute("data-t")); });
    $("lang").textContent = t("lang");
    $("place").textContent = state.placing ? t("placing") : t("place");
    $("kind").innerHTML = C.kinds.map(function (k) {
      return '<option value="' + esc(k.kind) + '"' + (k.kind === state.kind ? " selected" : "") + ">" + esc(k[lang]) + " (" + k.radius_m + " m)</option>";
    }).join("");
    drawLegend(); figures(); downloads();
    if (state.scenario) { runScenario(); }
  }

  $("lang").onclick = function () { lang = lang === "zh" ? "en" : "zh"; translate(); };
  $("kind").onchange = function () { state.kind = this.value; state.proposed = []; state.scenario = null; proposedLayer.clearLayers(); $("scenario").innerHTML = ""; downloads(); load(); };
  $("place").onclick = function () { state.placing = !state.placing; this.classList.toggle("on", state.placing); translate(); };
  $("clear").onclick = function () { state.proposed = []; proposedLayer.clearLayers(); runScenario(); };
  $("suggest").onclick = function () { suggest(); };
  window.doorstepMap = { map: map, state: state, ready: null };
  translate();
  // ?place=LON,LAT;LON,LAT opens the map with those facilities proposed (a scenario to share as a link).
  var place = new URLSearchParams(location.search).get("place");
  if (place) {
    place.split(";").forEach(function (pair) {
      var c = pair.split(",").map(Number);
      if (c.length === 2 && isFinite(c[0]) && isFinite(c[1])) {
        var ll = L.latLng(c[1], c[0]);
        state.proposed.push(ll);
        L.circleMarker(ll, { radius: 6, color: "#e65100", fillColor: "#ff6f00", fillOpacity: 1 }).addTo(proposedLayer);
      }
    });
  }
  window.doorstepMap.ready = load();
  // ?suggest=N (1–50) runs the "suggest sites" control for N sites once the map has loaded, as a
  // click on it would (a link to share, and how the headless test drives it).
  var wanted = new URLSearchParams(location.search).get("suggest");
  if (wanted !== null) {
    var count = /^[0-9]+$/.test(wanted) ? parseInt(wanted, 10) : 0;
    if (count >= 1 && count <= 50) {
      $("n").value = String(count);
      window.doorstepMap.suggested = window.doorstepMap.ready.then(function () { return state.kind ? suggest() : undefined; });
    }
  }
})();

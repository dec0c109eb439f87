// The place-name registry's page of `doorstep serve --names DB`: search, a record with its history,
// signing in with a token, and a form that checks a name as it is typed and then proposes it.
// Every record, finding and event comes from /api/names; the page adds no rule of its own.
//
// Server text is only ever put into the page as text (textContent, text nodes, attribute values),
// never parsed as HTML, so that a name or a reason cannot inject markup.
(function () {
  "use strict";
  var C = window.DOORSTEP_NAMES || { registry: true, types: [] };
  var TOKEN_KEY = "doorstep-token";
  var T = {
    zh: {
      title: "地名管理 · 地名库", lang: "English", map: "覆盖地图", api: "API 接口",
      token: "访问令牌（粘贴）", signIn: "登录", signedIn: "已登录（令牌仅保存在本标签页）", signOut: "退出",
      search: "查询地名", find: "查询", searchHint: "汉字、拼音、首字母或曾用名", searching: "正在查询…",
      noMatch: "没有匹配的地名", results: "条结果", name: "名称", pinyin: "拼音", type: "类别", status: "状态",
      district: "区县", town: "乡镇街道", former: "曾用名", aliases: "别名", protected: "保护名录", id: "编号",
      approvalBody: "批准机关", approvalDate: "批准日期", approvalDocument: "批准文号", noticeDate: "公告日期",
      sources: "来源", remarks: "备注", yes: "是", no: "否",
      history: "变更记录", when: "时间", who: "操作人", what: "操作", why: "理由", noHistory: "无记录",
      propose: "申报新地名", location: "位置（经度 纬度）", lon: "经度", lat: "纬度", reason: "理由",
      submit: "提交申报", reserve: "存入储备库", chooseType: "— 选择类别 —",
      districtHint: "6 位代码，如 330106", townHint: "9 位代码，如 330106004",
      checking: "正在检查…", checkFirst: "填写名称和类别后自动检查", verdict: "检查结论", findings: "检查意见", noFindings: "未发现问题",
      conflicts: "冲突：", bothCoords: "位置需同时填写经度和纬度（WGS84）", badDistrict: "区县代码为 6 位数字",
      badTown: "乡镇街道代码为 9 位数字", sending: "正在提交…", created: "已记录", refused: "未记录",
      failed: "出错：", tokenRefused: "令牌无效或已撤销，请重新登录：", needSignIn: "请先登录：",
      noRegistry: "此服务未加载地名库（启动时加 --names DB）",
      ok: "通过", review: "需人工审查", reject: "不予通过",
      s_proposed: "拟命名", s_approved: "已批准", "s_in-use": "使用中", s_retired: "已销名", s_deprecated: "已作废", s_reserved: "储备",
      a_propose: "申报", a_reserve: "储备", a_approve: "批准", a_use: "启用", a_rename: "更名", a_retire: "销名",
      a_deprecate: "作废", a_update: "修改", a_alias: "别名", a_protect: "列入保护", a_unprotect: "移出保护", a_add: "录入",
      a_import: "导入", "a_plan-import": "规划导入", "a_planned-import": "规划导入"
    },
    en: {
      title: "Place names · registry", lang: "中文", map: "Coverage map", api: "API",
      token: "Access token (paste)", signIn: "Sign in", signedIn: "Signed in (the token is kept in this tab only)", signOut: "Sign out",
      search: "Find a name", find: "Search", searchHint: "characters, pinyin, initials or a former name", searching: "Searching…",
      noMatch: "No name matches", results: "results", name: "Name", pinyin: "Pinyin", type: "Type", status: "Status",
      district: "District", town: "Town", former: "Former names", aliases: "Aliases", protected: "Protected", id: "Id",
      approvalBody: "Approved by", approvalDate: "Approval date", approvalDocument: "Approval document", noticeDate: "Notice date",
      sources: "Sources", remarks: "Remarks", yes: "yes", no: "no",
      history: "History", when: "When", who: "Who", what: "What", why: "Why", noHistory: "no events",
      propose: "Propose a name", location: "Location (lon lat)", lon: "longitude", lat: "latitude", reason: "Reason",
      submit: "Propose", reserve: "Reserve", chooseType: "— choose a type —",
      districtHint: "6 digits, e.g. 330106", townHint: "9 digits, e.g. 330106004",
      checking: "Checking…", checkFirst: "The check runs once a name and a type are given", verdict: "Verdict", findings: "Findings",
      noFindings: "no findings", conflicts: "conflicts: ", bothCoords: "Give both longitude and latitude (WGS84)",
      badDistrict: "A district code has 6 digits", badTown: "A town code has 9 digits", sending: "Sending…",
      created: "Recorded", refused: "Not recorded", failed: "Failed: ", tokenRefused: "The token was refused; sign in again: ",
      needSignIn: "Sign in first: ", noRegistry: "This server has no place-name registry (start it with --names DB)",
      ok: "ok", review: "needs review", reject: "rejected",
      s_proposed: "proposed", s_approved: "approved", "s_in-use": "in use", s_retired: "retired", s_deprecated: "deprecated", s_reserved: "reserved",
      a_propose: "proposed", a_reserve: "reserved", a_approve: "approved", a_use: "in use", a_rename: "renamed", a_retire: "retired",
      a_deprecate: "deprecated", a_update: "updated", a_alias: "alias", a_protect: "protected", a_unprotect: "unprotected", a_add: "added",
      a_import: "imported", "a_plan-import": "plan import", "a_planned-import": "plan import"
    }
  };
  var lang = "zh";
  var state = {
    results: null, record: null, history: null, recordError: null,
    check: null, checkNote: null, outcome: null, notice: null
  };
  var seq = { search: 0, record: 0, check: 0 };
  var timers = { search: null, check: null };

  function t(key) { var text = T[lang][key]; return text === undefined ? key : text; }
  /** A label for a server value (status, action, verdict) when the page knows one, else the value itself. */
  function label(prefix, value) { var text = T[lang][prefix + value]; return text === undefined ? String(value) : text; }
  function $(id) { return document.getElementById(id); }

  // ---- building the page out of text ----

  /** An element with attributes and children; strings become text nodes, so nothing is parsed as HTML. */
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      var value = attributes[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key === "onclick") { node.addEventListener("click", value); } else { node.setAttribute(key, value === true ? "" : String(value)); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    });
    return node;
  }
  /** Replaces what the element with `id` shows. */
  function show(id, nodes) {
    var target = $(id);
    target.textContent = "";
    nodes.forEach(function (node) { if (node) { target.appendChild(node); } });
  }
  function message(id, text, isError) {
    $(id).textContent = text || "";
    $(id).classList.toggle("error", !!isError);
  }
  function typeLabel(id) {
    for (var i = 0; i < C.types.length; i++) { if (C.types[i].id === id) { return lang === "zh" ? C.types[i].zh : id; } }
    return id;
  }
  function text(value) { return value === null || value === undefined || value === "" ? "–" : String(value); }

  // ---- the token ----

  function readToken() { try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch (e) { return ""; } }
  function keepToken(token) {
    try { if (token) { sessionStorage.setItem(TOKEN_KEY, token); } else { sessionStorage.removeItem(TOKEN_KEY); } } catch (e) { /* storage off: no sign-in */ }
  }
  /** `#token=…` in the address signs in (a link a test or a colleague can open), then leaves the address bar. */
  function tokenFromFragment() {
    if (location.hash.indexOf("token=") < 0) { return; }
    var token = new URLSearchParams(location.hash.slice(1)).get("token");
    if (token) { keepToken(token.trim()); }
    history.replaceState(null, "", location.pathname + location.search);
  }
  function signedOut(notice) {
    keepToken("");
    state.notice = notice || null;
    state.check = null; state.outcome = null;
    renderSignIn(); renderCheck(); renderOutcome();
  }

  // ---- the API ----

  /** fetch with the kept token; resolves to the JSON answer, or rejects with the problem's detail. */
  function api(method, url, body) {
    var headers = { Accept: "application/json" };
    var token = readToken();
    if (token) { headers.Authorization = "Bearer " + token; }
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    var options = { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) };
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (value) {
        if (response.ok) { return value; }
        var error = new Error(value.detail || value.title || String(response.status));
        error.status = response.status;
        error.problem = value;
        if (response.status === 401) { refusedSignIn(error, !!token); }
        throw error;
      });
    });
  }
  /** A 401: a token was sent and refused (revoked, mistyped), or the server is private and none was sent. */
  function refusedSignIn(error, hadToken) {
    signedOut((hadToken ? t("tokenRefused") : t("needSignIn")) + error.message);
  }
  function query(params) {
    return Object.keys(params).filter(function (key) { return params[key]; }).map(function (key) {
      return key + "=" + encodeURIComponent(params[key]);
    }).join("&");
  }

  // ---- search ----

  function scheduleSearch() { clearTimeout(timers.search); timers.search = setTimeout(search, 250); }
  function search() {
    clearTimeout(timers.search);
    var text = $("q").value.trim();
    var asked = ++seq.search;
    if (!text) { state.results = null; message("search-status", ""); renderResults(); return Promise.resolve(); }
    message("search-status", t("searching"));
    return api("GET", "/api/names/search?" + query({ q: text, limit: "50" })).then(function (records) {
      if (asked !== seq.search) { return; }
      state.results = records;
      message("search-status", "");
      renderResults();
    }).catch(function (e) {
      if (asked === seq.search) { state.results = null; renderResults(); message("search-status", t("failed") + e.message, true); }
    });
  }
  function renderResults() {
    var records = state.results;
    if (!records) { show("results", []); return; }
    if (!records.length) { show("results", [el("p", { "class": "msg" }, [t("noMatch")])]); return; }
    var head = el("tr", {}, ["name", "pinyin", "type", "status", "district", "former"].map(function (key) { return el("th", {}, [t(key)]); }));
    var rows = records.map(function (r) {
      return el("tr", { "data-id": r.id }, [
        el("td", {}, [el("button", { type: "button", "class": "link", onclick: function () { openRecord(r.id); } }, [r.name])]),
        el("td", {}, [r.pinyin]), el("td", {}, [typeLabel(r.type)]), el("td", {}, [label("s_", r.status)]),
        el("td", {}, [text(r.district)]), el("td", {}, [(r.former_names || []).join("、")])
      ]);
    });
    show("results", [el("p", { "class": "msg" }, [records.length + " " + t("results")]), el("table", { id: "result-table" }, [head].concat(rows))]);
  }

  // ---- a record and its history ----

  function openRecord(id) {
    var asked = ++seq.record;
    return Promise.all([api("GET", "/api/names/" + encodeURIComponent(id)), api("GET", "/api/names/" + encodeURIComponent(id) + "/history")])
      .then(function (answers) {
        if (asked !== seq.record) { return; }
        state.record = answers[0]; state.history = answers[1]; state.recordError = null;
        renderRecord();
      }).catch(function (e) {
        if (asked !== seq.record) { return; }
        state.record = null; state.history = null; state.recordError = t("failed") + e.message;
        renderRecord();
      });
  }
  function formerNames(r) {
    var dated = r.former_names_dated || [];
    if (!dated.length) { return text((r.former_names || []).join("、")); }
    return dated.map(function (f) { return f.name + (f.from || f.to ? " (" + (f.from || "…") + " – " + (f.to || "…") + ")" : ""); }).join("、");
  }
  function recordRows(r) {
    return [
      ["id", r.id], ["pinyin", r.pinyin], ["type", typeLabel(r.type)], ["status", label("s_", r.status)],
      ["district", r.district], ["town", r.town], ["protected", r.protected ? t("yes") : t("no")],
      ["former", formerNames(r)], ["aliases", (r.aliases || []).join("、")],
      ["approvalBody", r.approval_body], ["approvalDate", r.approval_date], ["approvalDocument", r.approval_document],
      ["noticeDate", r.notice_date], ["sources", r.sources], ["remarks", r.remarks]
    ].map(function (row) { return el("tr", {}, [el("th", {}, [t(row[0])]), el("td", {}, [text(row[1])])]); });
  }
  function renderRecord() {
    if (state.recordError) { show("record", [el("p", { "class": "msg error" }, [state.recordError])]); show("history", []); return; }
    var r = state.record;
    if (!r) { show("record", []); show("history", []); return; }
    show("record", [el("div", { "class": "card", id: "record-card", "data-id": r.id }, [
      el("h2", {}, [r.name + " ", el("small", {}, [r.pinyin])]), el("table", {}, recordRows(r))
    ])]);
    renderHistory();
  }
  function parsed(json) { try { return json ? JSON.parse(json) : {}; } catch (e) { return {}; } }
  function shown(value) { return value === undefined || value === null ? "–" : typeof value === "string" ? value : JSON.stringify(value); }
  /** What an event changed: each field whose value differs between its before and after snapshots. */
  function changes(event) {
    var before = parsed(event.before), after = parsed(event.after);
    var keys = Object.keys(after).concat(Object.keys(before).filter(function (k) { return !(k in after); }));
    return keys.filter(function (k) { return JSON.stringify(before[k]) !== JSON.stringify(after[k]); }).map(function (k) {
      return el("li", {}, [k + ": " + (k in before ? shown(before[k]) + " → " : "") + shown(after[k])]);
    });
  }
  function renderHistory() {
    var events = state.history || [];
    var head = el("tr", {}, ["when", "who", "what", "why"].map(function (key) { return el("th", {}, [t(key)]); }));
    var rows = events.map(function (e) {
      var changed = changes(e);
      return el("tr", {}, [
        el("td", {}, [e.at]), el("td", {}, [e.actor]),
        el("td", {}, [label("a_", e.action), changed.length ? el("ul", { "class": "changes" }, changed) : null]),
        el("td", {}, [text(e.reason)])
      ]);
    });
    show("history", [el("h2", {}, [t("history")]),
      events.length ? el("table", { id: "history-table" }, [head].concat(rows)) : el("p", { "class": "msg" }, [t("noHistory")])]);
  }

  // ---- signing in ----

  function renderSignIn() {
    var signedIn = !!readToken();
    $("signin-form").hidden = signedIn;
    $("signed-in").hidden = !signedIn;
    $("propose").hidden = !signedIn || !C.registry;
    message("notice", C.registry ? state.notice : t("noRegistry"), true);
  }
  function signIn(event) {
    event.preventDefault();
    var token = $("token").value.trim();
    $("token").value = "";
    if (!token) { return; }
    keepToken(token);
    state.notice = null;
    renderSignIn();
    // Any request with the token tells whether it is good: a refused one signs out again (in api).
    api("GET", "/api/names/search?q=").then(function () { scheduleCheck(); search(); }).catch(function () {});
  }

  // ---- the propose form and its check ----

  /** The form's fields, or a note saying why the check cannot run yet. */
  function proposal() {
    var p = {
      name: $("p-name").value.trim(), type: $("p-type").value, district: $("p-district").value.trim(),
      town: $("p-town").value.trim(), reason: $("p-reason").value.trim(), at: null, note: null
    };
    var lon = $("p-lon").value.trim(), lat = $("p-lat").value.trim();
    if (lon || lat) {
      var x = Number(lon), y = Number(lat);
      if (!lon || !lat || !isFinite(x) || !isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90) { p.note = t("bothCoords"); } else { p.at = [x, y]; }
    }
    if (p.district && !/^\d{6}$/.test(p.district)) { p.note = t("badDistrict"); }
    if (p.town && !/^\d{9}$/.test(p.town)) { p.note = t("badTown"); }
    return p;
  }
  function scheduleCheck() { clearTimeout(timers.check); timers.check = setTimeout(runCheck, 250); }
  function runCheck() {
    clearTimeout(timers.check);
    if (!readToken() || !C.registry) { return; }
    var p = proposal();
    var asked = ++seq.check;
    if (!p.name || !p.type || p.note) { state.check = null; state.checkNote = p.note || t("checkFirst"); renderCheck(); return; }
    state.checkNote = t("checking");
    renderCheck();
    var params = { name: p.name, type: p.type, district: p.district, town: p.town, at: p.at ? p.at.join(",") : "" };
    api("GET", "/api/names/check?" + query(params)).then(function (report) {
      if (asked !== seq.check) { return; }
      state.check = report; state.checkNote = null;
      renderCheck();
    }).catch(function (e) {
      if (asked !== seq.check) { return; }
      state.check = null; state.checkNote = t("failed") + e.message;
      renderCheck();
    });
  }
  function conflictLinks(conflicts) {
    if (!conflicts || !conflicts.length) { return null; }
    var links = [];
    conflicts.forEach(function (c, i) {
      if (i) { links.push("、"); }
      links.push(el("button", { type: "button", "class": "link", onclick: function () { openRecord(c.id); } }, [c.name + " #" + c.id]));
    });
    return el("span", {}, [" " + t("conflicts")].concat(links));
  }
  function renderFindings(findings) {
    if (!findings || !findings.length) { return el("p", { "class": "msg" }, [t("noFindings")]); }
    return el("ul", { id: "findings" }, findings.map(function (f) {
      return el("li", { "class": "sev-" + f.severity, "data-rule": f.rule }, [
        el("b", {}, [label("", f.severity)]), " ", f.message, conflictLinks(f.conflicts)
      ]);
    }));
  }
  function renderCheck() {
    var report = state.check;
    if (!report) { show("check", state.checkNote ? [el("p", { "class": "msg" }, [state.checkNote])] : []); return; }
    show("check", [
      el("h2", {}, [t("verdict")]),
      el("p", {}, [
        el("span", { id: "verdict", "class": "verdict verdict-" + report.verdict, "data-verdict": report.verdict }, [label("", report.verdict)]),
        " " + report.name + " · " + report.pinyin
      ]),
      el("h2", {}, [t("findings")]), renderFindings(report.findings)
    ]);
  }
  function submit(path) {
    var p = proposal();
    if (p.note) { state.outcome = { refused: true, detail: p.note }; renderOutcome(); return; }
    var body = { name: p.name, type: p.type };
    ["district", "town", "reason"].forEach(function (key) { if (p[key]) { body[key] = p[key]; } });
    if (p.at) { body.at = p.at; }
    state.outcome = { pending: true };
    renderOutcome();
    api("POST", path, body).then(function (record) {
      state.outcome = { record: record };
      if (record.check) { state.check = record.check; renderCheck(); }
      renderOutcome();
      openRecord(record.id);
    }).catch(function (e) {
      state.outcome = { refused: true, status: e.status, detail: e.message };
      if (e.problem && e.problem.check) { state.check = e.problem.check; renderCheck(); }
      renderOutcome();
    });
  }
  function renderOutcome() {
    var o = state.outcome;
    if (!o) { show("outcome", []); return; }
    if (o.pending) { show("outcome", [el("p", { "class": "msg" }, [t("sending")])]); return; }
    if (o.record) {
      show("outcome", [el("p", { id: "created", "data-outcome": "created", "data-id": o.record.id }, [
        t("created") + ": #" + o.record.id + " " + o.record.name + " (" + label("s_", o.record.status) + ")"
      ])]);
      return;
    }
    show("outcome", [el("p", { id: "refused", "class": "error", "data-outcome": "refused", "data-status": o.status }, [
      t("refused") + (o.status ? " (" + o.status + ")" : "") + ": " + o.detail
    ])]);
  }

  // ---- language ----

  function typeOptions() {
    var select = $("p-type"), chosen = select.value;
    var options = [el("option", { value: "" }, [t("chooseType")])].concat(C.types.map(function (type) {
      return el("option", { value: type.id }, [lang === "zh" ? type.zh + " (" + type.id + ")" : type.id]);
    }));
    select.textContent = "";
    options.forEach(function (o) { select.appendChild(o); });
    select.value = chosen;
  }
  function translate() {
    document.documentElement.lang = lang;
    document.title = t("title") + " · Doorstep";
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (node) { node.textContent = t(node.getAttribute("data-t")); });
    Array.prototype.forEach.call(document.querySelectorAll("[data-tp]"), function (node) { node.placeholder = t(node.getAttribute("data-tp")); });
    $("lang").textContent = t("lang");
    typeOptions();
    renderSignIn(); renderResults(); renderRecord(); renderCheck(); renderOutcome();
  }

  // ---- start ----

  /** `?q=` fills the search; `?id=` opens a record; `?propose=NAME&type=&district=&town=&at=LON,LAT` fills the form. */
  function prefill(params) {
    if (params.get("q")) { $("q").value = params.get("q"); }
    if (params.get("propose")) { $("p-name").value = params.get("propose"); }
    var type = params.get("type");
    if (type) {
      if (!C.types.some(function (x) { return x.id === type; })) { C.types.push({ id: type, zh: type }); typeOptions(); }
      $("p-type").value = type;
    }
    if (params.get("district")) { $("p-district").value = params.get("district"); }
    if (params.get("town")) { $("p-town").value = params.get("town"); }
    var at = (params.get("at") || "").split(",");
    if (at.length === 2) { $("p-lon").value = at[0]; $("p-lat").value = at[1]; }
  }
  function wire() {
    $("lang").onclick = function () { lang = lang === "zh" ? "en" : "zh"; translate(); };
    $("signin-form").onsubmit = signIn;
    $("signout").onclick = function () { signedOut(null); };
    $("search-form").onsubmit = function (event) { event.preventDefault(); search(); };
    $("q").addEventListener("input", scheduleSearch);
    ["p-name", "p-type", "p-district", "p-town", "p-lon", "p-lat"].forEach(function (id) {
      $(id).addEventListener("input", scheduleCheck);
      $(id).addEventListener("change", scheduleCheck);
    });
    $("propose-form").onsubmit = function (event) { event.preventDefault(); submit("/api/names"); };
    $("p-reserve").onclick = function () { submit("/api/names/reserve"); };
    window.addEventListener("hashchange", function () {
      if (location.hash.indexOf("token=") < 0) { return; }
      tokenFromFragment();
      state.notice = null;
      renderSignIn(); search(); runCheck();
    });
  }

  tokenFromFragment();
  wire();
  translate();
  var params = new URLSearchParams(location.search);
  prefill(params);
  window.doorstepNames = { state: state, search: search, openRecord: openRecord };
  if (C.registry) {
    if ($("q").value) { search(); }
    if (params.get("id")) { openRecord(params.get("id")); }
    if ($("p-name").value && readToken()) { runCheck(); }
  }
})();

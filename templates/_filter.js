/* The Maßnahmenliste's filters, search and sorting. Without JavaScript the list is complete as
   delivered (the form stays hidden). The state lives in the address (?fachdienst=…&suche=…), so a
   filtered list can be bookmarked and shared, and the back button goes back a step. Rows are built
   from the list's data (inline, or massnahmen-daten.js for a list in pages) with DOM methods only. */
(function () {
  "use strict";
  var form = document.getElementById("filter");
  var table = document.getElementById("massnahmen");
  if (!form || !table || !window.URLSearchParams || !window.history || !history.pushState) { return; }
  var body = table.tBodies[0];
  var original = Array.prototype.slice.call(body.rows);
  var showing = "original";
  var counter = document.getElementById("treffer");
  var caption = table.caption;
  var initial = {count: counter.textContent, caption: caption ? caption.textContent : ""};
  var more = document.getElementById("mehr");
  var pager = document.getElementById("seiten");
  var details = document.getElementById("sachstand");
  var articles = details ? Array.prototype.slice.call(details.querySelectorAll("article.measure")) : [];
  var PARAMS = {department: "fachdienst", area: "bereich", status: "stand", rating: "ampel",
                decided_by: "beschluss", hint: "hinweis", goal: "ziel"};
  var SORTS = {title: "titel", area: "bereich", department: "fachdienst", status: "stand",
               rating: "ampel", end: "ende", latest: "bericht"};
  var keys = Object.keys(PARAMS).filter(function (k) { return form.elements[k]; });
  var search = form.elements.text;
  var sortChoice = form.elements.sort;
  var STEP = 200;
  var limit = STEP;
  var sort = {key: "", dir: 1};
  var typing = false;
  var data = null;
  var loading = false;
  var F = {};
  var statusOrder = {};
  var RATING_ORDER = {rot: 0, gelb: 1, gruen: 2};
  var collator = window.Intl ? new Intl.Collator("de", {numeric: true, sensitivity: "base"}) : null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) { continue; }
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return parent;
  }

  // --- the data ---------------------------------------------------------------------------
  function prepare(loaded) {
    data = loaded;
    data.fields.forEach(function (name, index) { F[name] = index; });
    data.statuses.forEach(function (pair, index) { statusOrder[pair[0]] = index; });
    var statusNames = {};
    data.statuses.forEach(function (pair) { statusNames[pair[0]] = pair[1]; });
    data.statusNames = statusNames;
    data.measures.forEach(function (m) {
      var goals = m[F.goals].map(function (g) { return (data.goals[g] || [g])[0]; }).join(" ");
      m.haystack = [m[F.id], m[F.title], m[F.department], data.departments[m[F.department]] || "",
                    m[F.papers], goals, m[F.goals].join(" "), data.areas[m[F.area]] || "",
                    statusNames[m[F.status]] || "", m[F.period]].join(" ").toLowerCase();
    });
  }
  function load() {
    var inline = document.getElementById("massnahmen-daten");
    if (inline) { prepare(JSON.parse(inline.textContent)); return true; }
    if (window.ISEK_MASSNAHMEN) { prepare(window.ISEK_MASSNAHMEN); return true; }
    if (!loading) {
      loading = true;
      counter.textContent = "Die Liste aller Maßnahmen wird geladen …";
      var script = document.createElement("script");
      script.src = table.getAttribute("data-src");
      script.onload = function () { loading = false; prepare(window.ISEK_MASSNAHMEN); update(); };
      script.onerror = function () {
        loading = false;
        counter.textContent = "Die Liste aller Maßnahmen ließ sich nicht laden; die Seiten unten zeigen sie.";
      };
      document.head.appendChild(script);
    }
    return false;
  }

  // --- the state and the address -------------------------------------------------------------
  function sortText() { return sort.key ? (sort.dir < 0 ? "-" : "") + SORTS[sort.key] : ""; }
  function parseSort(text) {
    var dir = 1;
    if (text.charAt(0) === "-") { dir = -1; text = text.slice(1); }
    for (var key in SORTS) { if (SORTS[key] === text) { return {key: key, dir: dir}; } }
    return {key: "", dir: 1};
  }
  function query() {
    var params = new URLSearchParams();
    keys.forEach(function (k) { if (form.elements[k].value) { params.set(PARAMS[k], form.elements[k].value); } });
    if (search.value.trim()) { params.set("suche", search.value.trim()); }
    if (sort.key) { params.set("sortierung", sortText()); }
    var text = params.toString();
    return text ? "?" + text : "";
  }
  function fromAddress() {
    var params = new URLSearchParams(location.search);
    keys.forEach(function (k) {
      var wanted = params.get(PARAMS[k]) || "";
      form.elements[k].value = wanted;
      if (form.elements[k].value !== wanted) { form.elements[k].value = ""; }  // unknown: all
    });
    search.value = params.get("suche") || "";
    sort = parseSort(params.get("sortierung") || "");
  }
  function remember(push) {
    var wanted = query();
    if (wanted === location.search) { return; }
    history[push ? "pushState" : "replaceState"](null, "", location.pathname + wanted);
  }

  // --- filtering and sorting -----------------------------------------------------------------
  function matches() {
    var wanted = keys.map(function (k) { return form.elements[k].value; });
    var needles = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    return data.measures.filter(function (m) {
      for (var i = 0; i < keys.length; i++) {
        var value = wanted[i];
        if (!value) { continue; }
        switch (keys[i]) {
          case "goal": if (m[F.goals].indexOf(value) < 0) { return false; } break;
          case "hint": if ((" " + m[F.hint] + " ").indexOf(" " + value + " ") < 0) { return false; } break;
          case "rating": if ((m[F.rating] || "ohne") !== value) { return false; } break;
          case "decided_by": if ((m[F.decided_by] || "offen") !== value) { return false; } break;
          default: if (m[F[keys[i]]] !== value) { return false; }
        }
      }
      for (var n = 0; n < needles.length; n++) {
        if (m.haystack.indexOf(needles[n]) < 0) { return false; }
      }
      return true;
    });
  }
  function text(a, b) {
    if (collator) { return collator.compare(a, b); }
    return a < b ? -1 : (a > b ? 1 : 0);
  }
  function sortValue(m) {
    switch (sort.key) {
      case "title": return m[F.title];
      case "area": return m[F.area] === "–" ? "" : m[F.area];
      case "department": return data.departments[m[F.department]] || m[F.department];
      case "status": return m[F.status] in statusOrder ? statusOrder[m[F.status]] : 999;
      case "rating": return m[F.rating] ? RATING_ORDER[m[F.rating]] : "";
      case "end": return m[F.end];
      case "latest": return m[F.latest];
    }
    return "";
  }
  function sorted(list) {
    if (!sort.key) { return list; }
    return list.map(function (m, index) { return [sortValue(m), index, m]; }).sort(function (a, b) {
      if (a[0] === "" || b[0] === "") { return (a[0] === "") - (b[0] === "") || a[1] - b[1]; }
      var order = typeof a[0] === "number" ? a[0] - b[0] : text(a[0], b[0]);
      return order * sort.dir || a[1] - b[1];
    }).map(function (entry) { return entry[2]; });
  }

  // --- rows from the data: the same markup as the page's own rows -------------------------------
  function assumed(parent, m, field) {
    if (m[F.assumed].indexOf(field) >= 0) { add(parent, " ", el("span", "assumed", "(Annahme)")); }
  }
  function cell(tr, label, cls) {
    var td = el("td", cls);
    td.setAttribute("data-label", label);
    tr.appendChild(td);
    return td;
  }
  function row(m) {
    var id = m[F.id];
    var tr = el("tr");
    var th = el("th");
    th.scope = "row";
    var link = el("a", null, m[F.title]);
    link.href = data.link === "anchor" ? "#m-" + id : "massnahmen/" + encodeURIComponent(id) + ".html";
    add(th, link, " ", el("span", "id", id));
    if (m[F.decided_by]) {
      add(th, el("span", "meta decided", "beschlossen von: " + (data.deciders[m[F.decided_by]] || m[F.decided_by])));
    }
    tr.appendChild(th);
    var goals = cell(tr, "Ziele");
    m[F.goals].forEach(function (goal, index) {
      var info = data.goals[goal] || [goal, false];
      if (index) { goals.appendChild(el("br")); }
      if (data.goal_pages && info[1]) {
        var a = el("a", null, info[0]);
        a.href = "ziele/" + encodeURIComponent(goal) + ".html";
        add(goals, a);
      } else {
        add(goals, info[0]);
      }
      add(goals, " ", el("span", "id", goal));
      if (!info[1]) { add(goals, " ", el("span", "meta", "(nur im Fortschreibungsvorschlag)")); }
    });
    assumed(goals, m, "goals");
    add(cell(tr, "Produktbereich"), data.areas[m[F.area]] || m[F.area]);
    var department = add(cell(tr, "federführend"), data.departments[m[F.department]] || m[F.department]);
    assumed(department, m, "department");
    var status = add(cell(tr, "Umsetzungsstand"), data.statusNames[m[F.status]] || m[F.status]);
    assumed(status, m, "status");
    var rating = cell(tr, "Ampel");
    if (m[F.rating]) {
      var info = data.ratings[m[F.rating]] || ["", m[F.rating]];
      var symbol = el("span", null, info[0]);
      symbol.setAttribute("aria-hidden", "true");
      add(rating, add(el("span", "rating rating-" + m[F.rating]), symbol, " " + info[1]));
      assumed(rating, m, "rating");
      if (m[F.reason]) { add(rating, el("span", "rating-reason", "Begründung: " + m[F.reason])); }
    } else {
      add(rating, el("span", "meta", "nicht bewertet"));
    }
    var period = add(cell(tr, "Zeitraum"), m[F.period]);
    assumed(period, m, "end");
    if (m[F.late]) { add(period, el("span", "flag", "überfällig")); }
    var latest = cell(tr, "Stand", "date");
    if (m[F.latest]) {
      var iso = m[F.latest];  // 2024-01-30 -> 30.01.2024
      add(latest, iso.slice(8, 10) + "." + iso.slice(5, 7) + "." + iso.slice(0, 4));
      if (m[F.stale]) { add(latest, el("span", "flag", "veraltet")); }
    } else {
      add(latest, m[F.stale] ? el("span", "flag", "kein Bericht") : "–");
    }
    return tr;
  }

  // --- showing ----------------------------------------------------------------------------
  function replaceRows(rows) {
    body.textContent = "";
    var fragment = document.createDocumentFragment();
    rows.forEach(function (tr) { fragment.appendChild(tr); });
    body.appendChild(fragment);
  }
  function markSort() {
    heads.forEach(function (th) {
      var key = th.getAttribute("data-sort");
      var mark = th.querySelector(".sort-mark");
      if (sort.key === key) {
        th.setAttribute("aria-sort", sort.dir > 0 ? "ascending" : "descending");
        mark.textContent = sort.dir > 0 ? " ▲" : " ▼";
      } else {
        th.removeAttribute("aria-sort");
        mark.textContent = " ↕";
      }
    });
    if (sortChoice) {
      sortChoice.value = sortText();
      if (sortChoice.value !== sortText()) { sortChoice.value = ""; }
    }
  }
  function update() {
    markSort();
    if (!query()) {  // as delivered: the page's own rows, details and pages
      if (showing !== "original") { replaceRows(original); showing = "original"; }
      articles.forEach(function (article) { article.hidden = false; });
      if (pager) { pager.hidden = false; }
      counter.textContent = initial.count;
      if (caption) { caption.textContent = initial.caption; }
      more.hidden = true;
      return;
    }
    if (!data && !load()) { return; }
    var found = sorted(matches());
    replaceRows(found.slice(0, limit).map(row));
    showing = "data";
    if (articles.length) {
      var shown = {};
      found.forEach(function (m) { shown["m-" + m[F.id]] = true; });
      articles.forEach(function (article) { article.hidden = !shown[article.id]; });
    }
    if (pager) { pager.hidden = true; }
    var total = data.measures.length;
    counter.textContent = found.length + " von " + total + (total === 1 ? " Maßnahme" : " Maßnahmen") +
      (found.length > limit ? ", die ersten " + limit + " angezeigt" : "");
    if (caption) { caption.textContent = "Schlüsselmaßnahmen: Auswahl (" + found.length + ")"; }
    more.hidden = found.length <= limit;
  }

  // --- sorting by the column headings ----------------------------------------------------------
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells).filter(function (th) {
    return th.getAttribute("data-sort");
  });
  heads.forEach(function (th) {
    var button = el("button", "sort");
    button.type = "button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    var mark = el("span", "sort-mark");
    mark.setAttribute("aria-hidden", "true");
    button.appendChild(mark);
    th.appendChild(button);
    button.addEventListener("click", function () {
      var key = th.getAttribute("data-sort");
      if (sort.key !== key) { sort = {key: key, dir: 1}; } else if (sort.dir > 0) { sort.dir = -1; } else { sort = {key: "", dir: 1}; }
      limit = STEP;
      remember(true);
      update();
    });
  });

  form.addEventListener("change", function (event) {
    if (event.target === sortChoice) { sort = parseSort(sortChoice.value); }
    typing = false;
    limit = STEP;
    remember(true);
    update();
  });
  search.addEventListener("input", function () {
    limit = STEP;
    remember(!typing);  // the first keystroke is a step back; the rest refine it
    typing = true;
    update();
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { sort = {key: "", dir: 1}; typing = false; limit = STEP; remember(true); update(); }, 0);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  more.addEventListener("click", function () { limit += STEP * 5; update(); });
  window.addEventListener("popstate", function () { fromAddress(); typing = false; limit = STEP; update(); });
  form.hidden = false;
  fromAddress();
  update();
}());

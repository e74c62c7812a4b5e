(function () {
  "use strict";
  var form = document.getElementById("filter");
  var table = document.getElementById("massnahmen");
  if (!form || !table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var keys = ["department", "area", "goal", "status", "decided_by"].filter(function (key) {
    return form.elements[key];
  });
  var selects = keys.map(function (key) { return form.elements[key]; });
  var search = form.elements.text;
  var counter = document.getElementById("treffer");
  var more = document.getElementById("mehr");
  // read every row once; filtering then only compares strings and touches rows whose state changes
  var data = rows.map(function (row) {
    return keys.map(function (key) { return " " + row.getAttribute("data-" + key) + " "; })
      .concat([row.textContent.toLowerCase()]);
  });
  var STEP = 250;  // rows shown at once: keeps every update fast even for very long lists
  var limit = STEP;
  function apply() {
    var wanted = selects.map(function (s) { return s.value ? " " + s.value + " " : ""; });
    var needle = search.value.trim().toLowerCase();
    var matched = 0;
    for (var i = 0; i < rows.length; i++) {
      var values = data[i], ok = true;
      for (var k = 0; k < keys.length && ok; k++) {
        if (wanted[k] && values[k].indexOf(wanted[k]) < 0) { ok = false; }
      }
      if (ok && needle && values[keys.length].indexOf(needle) < 0) { ok = false; }
      var visible = ok && matched < limit;
      if (ok) { matched++; }
      if (rows[i].hidden === visible) { rows[i].hidden = !visible; }
    }
    counter.textContent = matched + " von " + rows.length +
      (rows.length === 1 ? " Maßnahme" : " Maßnahmen") +
      (matched > limit ? ", die ersten " + limit + " angezeigt" : "");
    more.hidden = matched <= limit;
  }
  function restart() { limit = STEP; apply(); }
  form.addEventListener("change", restart);
  search.addEventListener("input", restart);
  form.addEventListener("reset", function () { setTimeout(restart, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); restart(); });
  more.addEventListener("click", function () { limit += STEP * 4; apply(); });
  form.hidden = false;
  apply();
}());

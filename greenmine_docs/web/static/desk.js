/* The desk's one script (no build step): follow a running job, sort and filter tables,
   and keep a form from being sent twice. Pages work without it (reload by hand). */
(function () {
  "use strict";

  function follow(box) {
    var id = box.dataset.run;
    function tick() {
      fetch("/runs/" + id + "/status", {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.finished) { location.reload(); return; }
          var bar = document.getElementById("bar");
          if (bar) { bar.max = s.total || 1; bar.value = s.done; }
          var state = document.getElementById("state");
          state.textContent = s.text;
          state.className = "state " + s.state;
          document.getElementById("count").textContent = s.total > 1 ? s.done + " / " + s.total : "";
          document.getElementById("progress-text").textContent = s.message;
          setTimeout(tick, 700);
        })
        .catch(function () { setTimeout(tick, 2000); });
    }
    setTimeout(tick, 400);
  }

  function cellValue(row, index) {
    var text = row.cells[index].textContent.trim();
    var number = parseFloat(text);
    return isNaN(number) ? text : number;
  }

  function sortable(table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      if (!th.hasAttribute("data-sort")) { return; }
      th.addEventListener("click", function () {
        var up = !th.classList.contains("asc");
        Array.prototype.forEach.call(heads, function (h) { h.classList.remove("asc", "desc"); });
        th.classList.add(up ? "asc" : "desc");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          var order = typeof x === "number" && typeof y === "number" ? x - y
            : String(x).localeCompare(String(y), "zh-CN");
          return up ? order : -order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function filter(input) {
    var table = document.getElementById(input.dataset.table);
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.classList.toggle("hidden", q !== "" && row.textContent.toLowerCase().indexOf(q) < 0);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("status");
    if (box && box.dataset.finished === "0") { follow(box); }
    document.querySelectorAll("table.sortable").forEach(sortable);
    document.querySelectorAll("input.filter").forEach(filter);
    document.querySelectorAll("form[data-busy]").forEach(function (f) {
      f.addEventListener("submit", function () {
        var b = f.querySelector("button[type=submit]");
        if (b) { setTimeout(function () { b.disabled = true; b.textContent = "正在上传……"; }, 0); }
      });
    });
  });
}());

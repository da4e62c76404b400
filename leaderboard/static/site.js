/* xling-harness leaderboard: sortable tables, row filters, and offline Vega-Lite charts. No network. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell ? (cell.getAttribute("data-sort") !== null ? cell.getAttribute("data-sort") : cell.textContent.trim()) : "";
  }

  function sortTable(table, index, numeric, descending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      if (x === "" && y === "") return 0;
      if (x === "") return 1;  // missing values last, whatever the direction
      if (y === "") return -1;
      var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function initSorting(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = th.querySelector("button.sort");
      if (!button) return;
      button.addEventListener("click", function () {
        var numeric = th.getAttribute("data-sort-type") === "num";
        var current = th.getAttribute("aria-sort");
        // first click: numbers high to low, text A to Z; then toggle
        var descending = current ? current === "ascending" : numeric;
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        sortTable(table, index, numeric, descending);
      });
    });
  }

  function initFilters(form) {
    var selects = form.querySelectorAll("select[data-filter]");
    function apply() {
      var rows = document.querySelectorAll("table.board tbody tr");
      Array.prototype.forEach.call(rows, function (row) {
        var shown = Array.prototype.every.call(selects, function (select) {
          return !select.value || row.getAttribute("data-" + select.getAttribute("data-filter")) === select.value;
        });
        row.classList.toggle("hidden", !shown);
      });
    }
    Array.prototype.forEach.call(selects, function (select) { select.addEventListener("change", apply); });
  }

  function initCharts() {
    var specs = document.querySelectorAll("script.chart-spec");
    if (!specs.length) return;
    if (typeof window.vegaEmbed !== "function") {
      console.error("vega-embed did not load; charts are not drawn");
      return;
    }
    Array.prototype.forEach.call(specs, function (script) {
      var target = document.getElementById(script.getAttribute("data-target"));
      var spec = JSON.parse(script.textContent);
      window.vegaEmbed(target, spec, { mode: "vega-lite", renderer: "svg", actions: false })
        .then(function () { target.setAttribute("data-rendered", "true"); })
        .catch(function (error) {
          target.textContent = "chart could not be drawn: " + error;
          console.error(error);
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), initSorting);
    var form = document.getElementById("filters");
    if (form) initFilters(form);
    initCharts();
  });
})();

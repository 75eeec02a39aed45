// Pages showing figures of an earlier version of the graph while fresh ones
// are computed carry data-refresh-when-fresh="<their JSON twin>": ask it
// every few seconds and reload the page once its figures are current.
(function () {
  "use strict";
  var el = document.querySelector("[data-refresh-when-fresh]");
  if (!el || !window.fetch) { return; }
  var url = el.getAttribute("data-refresh-when-fresh");
  function later(ms) { window.setTimeout(poll, ms); }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (body && body.analyses && body.analyses.updating === false) {
          window.location.reload();
        } else {
          later(2000);
        }
      })
      .catch(function () { later(5000); });
  }
  later(1500);
})();

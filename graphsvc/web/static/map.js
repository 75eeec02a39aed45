// Draws every .graph-map from the JSON block it names. The data is plain
// JSON (never executed); tooltips are strings, which vis-network 9 shows
// as text, so names are never interpreted as HTML.
(function () {
  "use strict";
  function draw(container) {
    var source = document.getElementById(container.dataset.source);
    var data = JSON.parse(source.textContent);
    var network = new vis.Network(container, {
      nodes: new vis.DataSet(data.nodes),
      edges: new vis.DataSet(data.edges)
    }, data.options);
    network.once("afterDrawing", function () {
      container.dataset.drawn = "true";
      window.graphsvcMapDrawnAt = performance.now();
    });
    network.on("doubleClick", function (params) {
      if (params.nodes.length && container.dataset.actorUrl) {
        window.location.href = container.dataset.actorUrl.replace(
          "__ID__", encodeURIComponent(params.nodes[0]));
      }
    });
    window.graphsvcMaps = window.graphsvcMaps || {};
    window.graphsvcMaps[container.id] = network;
  }
  document.querySelectorAll(".graph-map").forEach(draw);
})();

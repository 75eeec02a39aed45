// Draws every .graph-map from the JSON block it names. The data is plain
// JSON (never executed); tooltips are strings, which vis-network 9 shows
// as text, and every name this script puts on the page goes in as text
// (textContent, or escaped in the SVG export), never as HTML.
//
// Labels: vis-network draws none; this script draws them itself after each
// frame, the most important actors first (route actors, the selected and
// hovered one, then by size), each only where it overlaps no label already
// placed, at a readable 12 px whatever the zoom. The boxes drawn are kept
// on the container (graphsvcLabels) for the SVG export and for tests.
(function () {
  "use strict";
  var LABEL_PX = 12;
  var MAX_CHARS = 30;
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  var measurer = document.createElement("canvas").getContext("2d");

  function short(text) {
    text = String(text == null ? "" : text);
    return text.length > MAX_CHARS ? text.slice(0, MAX_CHARS - 1) + "\u2026" : text;
  }

  function textWidth(text, bold) {
    measurer.font = (bold ? "bold " : "") + LABEL_PX + "px " + FONT;
    return measurer.measureText(text).width;
  }

  function overlaps(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  }

  function Labels(container, network, names) {
    this.container = container;
    this.network = network;
    this.names = names;
    this.forced = {};      // id -> true: hovered or selected
    this.placed = [];
  }

  // The order of importance and the positions change only when actors are
  // hovered, selected, collapsed or expanded (physics is off): kept until then.
  Labels.prototype.invalidate = function () { this.order = null; };

  Labels.prototype.ordered = function () {
    if (this.order) { return this.order; }
    var network = this.network, names = this.names, forced = this.forced;
    var ids = network.body.nodeIndices.slice();
    var nodes = network.body.nodes;
    function rank(id) {
      var o = nodes[id].options;
      if (forced[id]) { return 3; }
      if (o.route || o.focus || o.center) { return 2; }
      if (o.isCommunity) { return 1; }
      return o.faded ? -1 : 0;
    }
    ids.sort(function (a, b) {
      var ra = rank(a), rb = rank(b);
      if (ra !== rb) { return rb - ra; }
      var sa = nodes[a].options.size || 0, sb = nodes[b].options.size || 0;
      if (sa !== sb) { return sb - sa; }
      return String(names[a] || a).localeCompare(String(names[b] || b));
    });
    this.order = {ids: ids, positions: network.getPositions(ids)};
    return this.order;
  };

  Labels.prototype.choose = function () {
    var network = this.network, names = this.names, forced = this.forced;
    var order = this.ordered(), ids = order.ids, positions = order.positions;
    var nodes = network.body.nodes;
    var scale = network.getScale();
    var width = this.container.clientWidth, height = this.container.clientHeight;
    var placed = [];
    // on a focus map the faded actors are named on hover only
    var focused = ids.some(function (id) { return nodes[id].options.focus; });
    var widths = this.widths = this.widths || {};
    ids.forEach(function (id) {
      if (focused && nodes[id].options.faded && !forced[id]) { return; }
      var p = network.canvasToDOM(positions[id]);
      var o = nodes[id].options;
      var r = (o.size || 10) * scale;
      // names are at most about 200 px wide, drawn just below the actor
      if (p.x < -200 || p.x > width + 200 || p.y + r + 3 + LABEL_PX + 4 < 0 ||
          p.y > height) { return; }
      var text = short(names[id] || nodes[id].options.fullLabel || "");
      if (!text) { return; }
      var bold = !!(o.route || o.focus || o.center || o.isCommunity || forced[id]);
      var key = (bold ? "b" : "n") + text;
      if (!(key in widths)) { widths[key] = textWidth(text, bold); }
      var w = widths[key] + 4, h = LABEL_PX + 4;
      var box = {id: id, text: text, bold: bold, faded: !!o.faded,
                 x: p.x - w / 2, y: p.y + r + 3, w: w, h: h};
      if (box.x + w < 0 || box.x > width || box.y + h < 0 || box.y > height) { return; }
      for (var i = 0; i < placed.length; i++) {
        if (overlaps(box, placed[i])) { return; }
      }
      placed.push(box);
    });
    this.placed = placed;
    this.container.graphsvcLabels = placed;
    this.scale = scale;
    this.view = network.getViewPosition();
  };

  Labels.prototype.draw = function (ctx) {
    var network = this.network;
    var view = network.getViewPosition();
    if (this.scale !== network.getScale() || !this.view ||
        view.x !== this.view.x || view.y !== this.view.y) {
      this.choose();   // zoomed or panned: labels come and go with the view
    }
    var ratio = network.canvas.pixelRatio || window.devicePixelRatio || 1;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textBaseline = "top";
    ctx.textAlign = "left";
    ctx.lineJoin = "round";
    this.placed.forEach(function (b) {
      ctx.font = (b.bold ? "bold " : "") + LABEL_PX + "px " + FONT;
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255,255,255,0.92)";
      ctx.strokeText(b.text, b.x + 2, b.y + 2);
      ctx.fillStyle = b.faded ? "#8a8a8a" : "#1d2430";
      ctx.fillText(b.text, b.x + 2, b.y + 2);
    });
    ctx.restore();
  };

  function draw(container) {
    var source = document.getElementById(container.dataset.source);
    var data = JSON.parse(source.textContent);
    var names = {};
    data.nodes.forEach(function (n) {
      names[n.id] = n.label;
      n.fullLabel = n.label;
      delete n.label;   // drawn by Labels, never overlapping
    });
    var nodeSet = new vis.DataSet(data.nodes);
    var network = new vis.Network(container, {
      nodes: nodeSet,
      edges: new vis.DataSet(data.edges)
    }, data.options);
    var labels = new Labels(container, network, names);
    // vis-network's own frame takes the keyboard (arrows move, +/- zoom)
    var frame = container.querySelector(".vis-network");
    if (frame) {
      frame.setAttribute("tabindex", "0");
      frame.setAttribute("role", "application");
      frame.setAttribute("aria-label", container.dataset.keysLabel || "");
    }
    network.on("beforeDrawing", function (ctx) {
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      ctx.restore();
    });
    network.on("afterDrawing", function (ctx) { labels.draw(ctx); });
    var routeIds = data.nodes.filter(function (n) { return n.route || n.focus; })
      .map(function (n) { return n.id; });
    if (routeIds.length) {
      network.fit({nodes: routeIds, animation: false});
      if (network.getScale() > 1.2) {
        network.moveTo({scale: 1.2, animation: false});
      }
    }
    labels.choose();
    network.once("afterDrawing", function () {
      container.dataset.drawn = "true";
      window.graphsvcMapDrawnAt = performance.now();
    });
    network.on("hoverNode", function (p) {
      labels.forced[p.node] = true; labels.invalidate(); labels.choose();
    });
    network.on("blurNode", function (p) {
      if (!labels.selected || labels.selected !== p.node) { delete labels.forced[p.node]; }
      labels.invalidate();
      labels.choose();
    });
    network.on("doubleClick", function (params) {
      if (!params.nodes.length) { return; }
      var id = params.nodes[0];
      if (network.isCluster(id)) {
        network.openCluster(id); labels.invalidate(); labels.choose(); return;
      }
      if (container.dataset.actorUrl) {
        window.location.href = container.dataset.actorUrl.replace(
          "__ID__", encodeURIComponent(id));
      }
    });
    var map = {container: container, network: network, nodes: nodeSet, names: names,
               labels: labels, data: data};
    network.on("selectNode", function (p) { select(map, p.nodes[0]); });
    network.on("deselectNode", function () { select(map, null); });
    window.graphsvcMaps = window.graphsvcMaps || {};
    window.graphsvcMaps[container.id] = network;
    window.graphsvcMapParts = window.graphsvcMapParts || {};
    window.graphsvcMapParts[container.id] = map;
    tools(map);
  }

  // --- the side panel -------------------------------------------------
  function select(map, id) {
    var labels = map.labels;
    if (labels.selected) { delete labels.forced[labels.selected]; }
    labels.selected = id;
    if (id != null) { labels.forced[id] = true; }
    labels.invalidate();
    labels.choose();
    map.network.redraw();
    var panel = document.getElementById(map.container.id + "-panel");
    if (!panel) { return; }
    if (id == null || map.network.isCluster(id)) { panel.hidden = true; return; }
    var node = map.nodes.get(id);
    panel.querySelector(".panel-name").textContent = map.names[id] || id;
    var facts = panel.querySelector(".panel-facts");
    facts.textContent = "";
    String(node.title || "").split("\n").slice(1).forEach(function (line) {
      var li = document.createElement("li");
      li.textContent = line;
      facts.appendChild(li);
    });
    panel.querySelectorAll("a[data-href]").forEach(function (a) {
      a.href = a.dataset.href.replace("__ID__", encodeURIComponent(id));
    });
    panel.hidden = false;
  }

  // --- search-as-you-type (the focus form and the map's search box) ----
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function combobox(input, items, onPick) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var active = -1, shown = [];
    function close() {
      list.hidden = true; list.textContent = ""; shown = []; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function open() {
      var q = fold(input.value.trim());
      list.textContent = "";
      if (!q) { close(); return; }
      shown = items.filter(function (it) { return fold(it.name).indexOf(q) >= 0; })
        .slice(0, 12);
      shown.forEach(function (it, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = it.name;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { pick(i); });
        list.appendChild(li);
      });
      list.hidden = shown.length === 0;
      input.setAttribute("aria-expanded", shown.length ? "true" : "false");
      active = -1;
    }
    function mark(i) {
      var opts = list.querySelectorAll("[role=option]");
      opts.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (opts[i]) { input.setAttribute("aria-activedescendant", opts[i].id); }
    }
    function pick(i) {
      var it = shown[i];
      if (!it) { return; }
      input.value = it.name;
      close();
      onPick(it);
    }
    input.addEventListener("input", open);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && shown.length) { e.preventDefault(); mark(Math.min(active + 1, shown.length - 1)); }
      else if (e.key === "ArrowUp" && shown.length) { e.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); pick(active); }
      else if (e.key === "Escape") { close(); }
    });
  }

  function focusForm() {
    var form = document.getElementById("focus-form");
    if (!form) { return; }
    var choices = JSON.parse(document.getElementById("actor-choices-data").textContent);
    [["focus-input", "focus"], ["other-input", "other"]].forEach(function (pair) {
      var input = document.getElementById(pair[0]);
      if (!input) { return; }
      // the typed text goes as a name; a picked actor as its id
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = pair[1];
      hidden.value = input.dataset.id || input.value;
      input.removeAttribute("name");
      form.appendChild(hidden);
      input.addEventListener("input", function () { hidden.value = input.value; });
      combobox(input, choices, function (it) {
        hidden.value = it.id;
        var to = form.querySelector("[name=to]");
        if (pair[1] === "focus" && !(to && to.value === "actor" &&
                                     !document.getElementById("other-input").value)) {
          form.requestSubmit();
        } else if (pair[1] === "other") {
          form.requestSubmit();
        }
      });
    });
    var to = form.querySelector("[name=to]");
    var other = document.getElementById("other-field");
    function toggle() { if (other) { other.hidden = to.value !== "actor"; } }
    if (to) { to.addEventListener("change", toggle); toggle(); }
  }

  // --- the toolbar: search, communities, exports --------------------
  function escapeXml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  function colour(c, fallback) {
    if (!c) { return fallback; }
    if (typeof c === "string") { return c; }
    return c.background || c.color || fallback;
  }

  function svgOf(map) {
    var network = map.network, nodes = network.body.nodes, edges = network.body.edges;
    var w = map.container.clientWidth, h = map.container.clientHeight;
    var scale = network.getScale();
    var shapes = map.data.shapes || {};
    var out = ['<svg xmlns="http://www.w3.org/2000/svg" width="' + w + '" height="' + h +
               '" viewBox="0 0 ' + w + " " + h + '" font-family="' + escapeXml(FONT) + '">',
               '<rect width="100%" height="100%" fill="#ffffff"/>'];
    network.body.edgeIndices.forEach(function (id) {
      var e = edges[id];
      if (!e || !e.from || !e.to) { return; }
      var a = network.canvasToDOM({x: e.from.x, y: e.from.y});
      var b = network.canvasToDOM({x: e.to.x, y: e.to.y});
      var o = e.options;
      var dash = o.dashes && o.dashes.length ? ' stroke-dasharray="' + o.dashes.join(" ") + '"' : "";
      out.push('<line x1="' + a.x.toFixed(1) + '" y1="' + a.y.toFixed(1) + '" x2="' +
               b.x.toFixed(1) + '" y2="' + b.y.toFixed(1) + '" stroke="' +
               escapeXml(colour(o.color, "#888888")) + '" stroke-width="' +
               Math.max(0.5, (o.width || 1) * Math.min(scale, 1)).toFixed(2) + '"' + dash + "/>");
    });
    network.body.nodeIndices.forEach(function (id) {
      var n = nodes[id], o = n.options;
      var p = network.canvasToDOM({x: n.x, y: n.y});
      var r = (o.size || 10) * scale;
      var fill = escapeXml(colour(o.color, "#cccccc"));
      var stroke = escapeXml((o.color && o.color.border) || "#222222");
      var dash = o.shapeProperties && o.shapeProperties.borderDashes ?
        ' stroke-dasharray="' + o.shapeProperties.borderDashes.join(" ") + '"' : "";
      var attrs = ' fill="' + fill + '" stroke="' + stroke + '" stroke-width="' +
        (o.borderWidth || 1) + '"' + dash;
      var outline = shapes[o.shape];
      if (!outline || !outline.length) {
        out.push('<circle cx="' + p.x.toFixed(1) + '" cy="' + p.y.toFixed(1) + '" r="' +
                 r.toFixed(1) + '"' + attrs + "/>");
      } else {
        out.push('<polygon points="' + outline.map(function (q) {
          return (p.x + q[0] * r).toFixed(1) + "," + (p.y + q[1] * r).toFixed(1);
        }).join(" ") + '"' + attrs + "/>");
      }
    });
    map.labels.placed.forEach(function (b) {
      out.push('<text x="' + (b.x + 2).toFixed(1) + '" y="' + (b.y + 2 + LABEL_PX * 0.85).toFixed(1) +
               '" font-size="' + LABEL_PX + '"' + (b.bold ? ' font-weight="bold"' : "") +
               ' fill="' + (b.faded ? "#8a8a8a" : "#1d2430") +
               '" stroke="#ffffff" stroke-width="3" paint-order="stroke">' +
               escapeXml(b.text) + "</text>");
    });
    out.push("</svg>");
    return out.join("\n");
  }

  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function collapse(map) {
    var network = map.network;
    var groups = {};
    map.data.nodes.forEach(function (n) {
      if (n.community == null) { return; }
      (groups[n.community] = groups[n.community] || []).push(n);
    });
    var word = map.container.dataset.communityWord || "Community %s";
    Object.keys(groups).forEach(function (c) {
      var members = groups[c];
      if (members.length < 2) { return; }
      var colours = {};
      members.forEach(function (n) {
        var k = colour(n.color, "#cccccc"); colours[k] = (colours[k] || 0) + 1;
      });
      var main = Object.keys(colours).sort(function (a, b) { return colours[b] - colours[a]; })[0];
      var name = word.replace("%s", c) + " (" + members.length + ")";
      map.names["community:" + c] = name;
      network.cluster({
        joinCondition: function (o) { return String(o.community) === String(c); },
        clusterNodeProperties: {
          id: "community:" + c, shape: "dot", isCommunity: true, community: c,
          size: Math.min(60, 12 + 4 * Math.sqrt(members.length)),
          color: {background: main, border: "#222222"}, borderWidth: 3,
          title: name
        }
      });
    });
    map.labels.invalidate();
    map.labels.choose();
    network.redraw();
  }

  function expand(map) {
    var network = map.network;
    network.body.nodeIndices.slice().forEach(function (id) {
      if (network.isCluster(id)) { network.openCluster(id); }
    });
    map.labels.invalidate();
    map.labels.choose();
    network.redraw();
  }

  function tools(map) {
    var bar = document.getElementById(map.container.id + "-tools");
    if (!bar) { return; }
    bar.hidden = false;
    var search = bar.querySelector(".map-search");
    if (search) {
      var items = map.data.nodes.map(function (n) { return {id: n.id, name: map.names[n.id]}; })
        .sort(function (a, b) { return String(a.name).localeCompare(String(b.name)); });
      combobox(search, items, function (it) {
        var network = map.network;
        var id = network.findNode(it.id);
        var target = id.length ? id[0] : it.id;   // inside a collapsed community
        network.focus(target, {scale: Math.max(network.getScale(), 1.0), animation: false});
        network.selectNodes(network.isCluster(target) ? [] : [target]);
        select(map, network.isCluster(target) ? null : target);
        map.labels.choose();
        network.redraw();
      });
    }
    var toggle = bar.querySelector(".map-communities");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var collapsed = toggle.getAttribute("aria-pressed") === "true";
        if (collapsed) { expand(map); } else { collapse(map); }
        toggle.setAttribute("aria-pressed", collapsed ? "false" : "true");
        toggle.textContent = collapsed ? toggle.dataset.collapse : toggle.dataset.expand;
      });
    }
    var png = bar.querySelector(".map-png");
    if (png) {
      png.addEventListener("click", function () {
        var canvas = map.container.querySelector("canvas");
        map.network.redraw();
        canvas.toBlob(function (blob) { download(blob, "map.png"); }, "image/png");
      });
    }
    var svg = bar.querySelector(".map-svg");
    if (svg) {
      svg.addEventListener("click", function () {
        download(new Blob([svgOf(map)], {type: "image/svg+xml"}), "map.svg");
      });
    }
    var close = document.querySelector("#" + map.container.id + "-panel .panel-close");
    if (close) {
      close.addEventListener("click", function () {
        map.network.unselectAll();
        select(map, null);
      });
    }
  }

  document.querySelectorAll(".graph-map").forEach(draw);
  focusForm();
  window.graphsvcMapSvg = function (id) { return svgOf(window.graphsvcMapParts[id]); };
})();

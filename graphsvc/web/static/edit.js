// Search-as-you-type for picking an actor by name (the tie and merge forms,
// the introductions page). Asks the actors API (which searches name, id and
// city ignoring accents and case, through the same access rules as every
// page) and fills the hidden id (the field named by data-id-field, else
// "other"); with data-submit, choosing an actor submits the form.
(function () {
  "use strict";
  document.querySelectorAll("input[data-search]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var hidden = input.form.querySelector(
      "input[name=" + (input.getAttribute("data-id-field") || "other") + "]");
    var exclude = input.getAttribute("data-exclude");
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function choose(item) {
      input.value = item.name;
      hidden.value = item.id;
      close();
      if (input.hasAttribute("data-submit")) { input.form.submit(); }
    }

    function show(items, seq) {
      if (seq !== asked) { return; }
      list.textContent = "";
      items.filter(function (a) { return a.id !== exclude; }).forEach(function (a) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("data-id", a.id);
        li.tabIndex = -1;
        li.textContent = a.name;
        var small = document.createElement("small");
        small.textContent = " " + [a.city, a.country].filter(Boolean).join(", ");
        li.appendChild(small);
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(a); });
        li.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter") { ev.preventDefault(); choose(a); }
        });
        list.appendChild(li);
      });
      list.hidden = !list.children.length;
      input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
    }

    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        var seq = ++asked;
        var url = input.getAttribute("data-search") + "?limit=10&q=" + encodeURIComponent(q);
        fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {items: []}; })
          .then(function (body) { show(body.items || [], seq); })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" && !list.hidden && list.firstChild) {
        ev.preventDefault();
        list.firstChild.focus();
      } else if (ev.key === "Escape") {
        close();
      }
    });
    list.addEventListener("keydown", function (ev) {
      var here = document.activeElement;
      if (ev.key === "ArrowDown" && here.nextSibling) { ev.preventDefault(); here.nextSibling.focus(); }
      if (ev.key === "ArrowUp") {
        ev.preventDefault();
        (here.previousSibling || input).focus();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  });
}());

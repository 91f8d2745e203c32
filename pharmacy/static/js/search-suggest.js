// Suggestions for the header search box. The box is an ordinary GET form that works without this file;
// with it, names from /api/v1/products/suggest/ appear under the box as the shopper types (a <datalist>,
// so the browser's own keyboard and screen-reader handling applies). Loaded as a file: the storefront's
// Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector("input[name=q]");
  if (!input) { return; }
  var list = document.createElement("datalist");
  list.id = input.id + "-suggestions";
  form.appendChild(list);
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");
  var timer = null;
  var latest = "";

  function show(names) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    names.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    });
  }

  function ask(text) {
    latest = text;
    var url = form.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(text);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (text !== latest) { return; } // an older answer arriving late
        show((data.results || []).map(function (item) { return item.name; }));
      })
      .catch(function () { show([]); });
  }

  input.addEventListener("input", function () {
    var text = input.value.trim();
    window.clearTimeout(timer);
    if (text.length < 2) { show([]); return; }
    timer = window.setTimeout(function () { ask(text); }, 150);
  });
})();

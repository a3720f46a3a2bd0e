/* Search as you type. The form works without this script; with it, the
   page's own results (the server's HTML, already escaped and sanitised)
   are fetched as the reader types and swapped in. The fetched page is
   parsed with DOMParser, which runs no script, and only its results
   container is taken. */
(function () {
  "use strict";
  var DELAY_MS = 250;

  function attach(form) {
    var input = form.querySelector("input[type=search]");
    var target = document.getElementById(form.getAttribute("data-live-search"));
    var status = document.getElementById("search-status");
    if (!input || !target) {
      return;
    }
    var timer = null;
    var pending = null;
    var last = input.value.trim();

    function update() {
      var q = input.value.trim();
      if (q === last) {
        return;
      }
      last = q;
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      var url = form.action + "?q=" + encodeURIComponent(q);
      fetch(url, { signal: pending.signal, headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(target.id);
          if (!fresh) {
            return;
          }
          target.replaceChildren.apply(target, Array.prototype.map.call(fresh.childNodes, function (node) {
            return document.importNode(node, true);
          }));
          var summary = target.querySelector("[data-summary]");
          if (status) {
            status.textContent = summary ? summary.textContent.replace(/\s+/g, " ").trim() : "";
          }
          history.replaceState(null, "", q ? url : form.action);
        })
        .catch(function () { /* aborted or failed: the form still submits */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, DELAY_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-live-search]").forEach(attach);
  });
})();

/* Search as you type. The form works without this script; with it, the
   page's own results (the server's HTML, already escaped and sanitised)
   are fetched as the reader types and swapped in. The fetched page is
   parsed with DOMParser, which runs no script, and only its results
   container is taken. A search the server could not answer (too slow: its
   page says so) or a failed request replaces the results with a message,
   so stale results never stand for the new words. */
(function () {
  "use strict";
  var DELAY_MS = 250;
  var FAILED = "The search could not be run just now. Press Enter to try again.";

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

    function announce() {
      var summary = target.querySelector("[data-summary]");
      if (status) {
        status.textContent = summary ? summary.textContent.replace(/\s+/g, " ").trim() : "";
      }
    }

    function showMessage(text) {
      var message = document.createElement("p");
      message.className = "message-error";
      message.setAttribute("data-summary", "");
      message.textContent = text;
      target.replaceChildren(message);
      announce();
    }

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
        .then(function (response) {
          return response.text().then(function (html) {
            var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(target.id);
            if (!fresh) {
              showMessage(FAILED);
              return;
            }
            target.replaceChildren.apply(target, Array.prototype.map.call(fresh.childNodes, function (node) {
              return document.importNode(node, true);
            }));
            announce();
            if (response.ok) {
              history.replaceState(null, "", q ? url : form.action);
            }
          });
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") {
            return; /* a newer search replaced this one */
          }
          last = null; /* the same words may be tried again */
          showMessage(FAILED);
        });
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

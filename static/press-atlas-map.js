/* Press Atlas maps: one Leaflet map per element with data-places, its
   markers read from the JSON block that attribute names. Names are set
   with textContent, never as HTML. Leaflet is datasette-leaflet's copy,
   served by this site. */
(function () {
  "use strict";

  function popupFor(place) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = place.url;
    link.textContent = place.name;
    box.appendChild(link);
    if (place.count) {
      var unit = place.unit || "mention";
      box.appendChild(document.createTextNode(" · " + place.count + " " + unit + (place.count === 1 ? "" : "s")));
    }
    return box;
  }

  function showMap(container) {
    var block = document.getElementById(container.getAttribute("data-places"));
    if (!block || !window.L) {
      return;
    }
    var places = JSON.parse(block.textContent);
    if (!places.length) {
      return;
    }
    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(container.getAttribute("data-tile-layer"), {
      maxZoom: 19,
      attribution: container.getAttribute("data-tile-attribution")
    }).addTo(map);
    var points = [];
    places.forEach(function (place) {
      var marker = L.marker([place.lat, place.lon], { title: place.name, alt: place.name, keyboard: true });
      marker.bindPopup(popupFor(place));
      marker.addTo(map);
      points.push([place.lat, place.lon]);
    });
    if (points.length === 1) {
      map.setView(points[0], 5);
    } else {
      map.fitBounds(points, { padding: [24, 24], maxZoom: 7 });
    }
  }

  function start() {
    document.querySelectorAll("[data-places]").forEach(showMap);
  }

  // Leaflet is an ES module: it has normally run by DOMContentLoaded.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.L) {
      start();
    } else {
      window.addEventListener("load", start);
    }
  });
})();

/* Maps: turns every [data-revier-map] element into a Leaflet map (ADR 0021).
   The GeoJSON comes from the <script type="application/json"> block the element names
   (data-revier-map-source) or from a same-origin URL (data-revier-map-url). Without a tile
   URL the map shows its data layers only. The page's list of the same places stays the
   content; this is an enhancement, so any failure leaves the element hidden. */
(function () {
  "use strict";
  if (window.revierMapLoaded) return; // the include may appear more than once on a page
  window.revierMapLoaded = true;

  function text(value) {
    return value === undefined || value === null ? "" : String(value);
  }

  function escapeHtml(value) {
    var div = document.createElement("div");
    div.textContent = text(value);
    return div.innerHTML;
  }

  // Popup content built as DOM nodes: properties are data, never markup.
  function popupContent(props) {
    var box = document.createElement("div");
    var title = document.createElement("p");
    title.className = "revier-map__popup-title";
    if (props.url) {
      var link = document.createElement("a");
      link.className = "kern-link";
      link.href = props.url;
      link.textContent = text(props.title);
      title.appendChild(link);
    } else {
      title.textContent = text(props.title);
    }
    box.appendChild(title);
    if (props.description) {
      text(props.description).split("\n").forEach(function (line) {
        var p = document.createElement("p");
        p.className = "revier-map__popup-line";
        p.textContent = line;
        box.appendChild(p);
      });
    }
    return box;
  }

  function loadData(element) {
    var source = document.getElementById(element.dataset.revierMapSource || "");
    if (source) return Promise.resolve(JSON.parse(source.textContent));
    var url = element.dataset.revierMapUrl;
    if (!url) return Promise.reject(new Error("no map data"));
    var target = new URL(url, window.location.href);
    if (target.origin !== window.location.origin) {
      return Promise.reject(new Error("map data must come from this site"));
    }
    return fetch(target.href, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("map data: HTTP " + response.status);
        return response.json();
      });
  }

  function build(element, data) {
    var canvas = element.querySelector(".revier-map__canvas");
    var labels = element.dataset;
    element.hidden = false; // before Leaflet measures the container
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    // The page scrolls past the map, so the wheel does not zoom it; +/- and the keyboard do.
    var map = L.map(canvas, {
      zoomControl: false,
      maxZoom: 18,
      scrollWheelZoom: false,
      fadeAnimation: !still,
      zoomAnimation: !still,
      markerZoomAnimation: !still,
    });
    L.control.zoom({ zoomInTitle: labels.revierMapZoomIn, zoomOutTitle: labels.revierMapZoomOut }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (labels.revierMapTiles) {
      L.tileLayer(labels.revierMapTiles, {
        maxZoom: 18,
        attribution: escapeHtml(labels.revierMapAttribution),
      }).addTo(map);
    }
    var layer = L.geoJSON(data, {
      // Markers are focusable buttons named by the place (Leaflet's keyboard option);
      // Enter opens the popup.
      pointToLayer: function (feature, latlng) {
        var name = text((feature.properties || {}).title);
        return L.marker(latlng, { keyboard: true, title: name, alt: name });
      },
      onEachFeature: function (feature, featureLayer) {
        featureLayer.bindPopup(popupContent(feature.properties || {}));
      },
    }).addTo(map);
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", labels.revierMapClose || "Close");
    });
    var bounds = layer.getBounds();
    if (!bounds.isValid()) {
      element.hidden = true;
      return;
    }
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
      map.setView(bounds.getCenter(), 16);
    } else {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    }
  }

  function init(root) {
    if (typeof L === "undefined") return;
    root.querySelectorAll("[data-revier-map]").forEach(function (element) {
      if (element.dataset.revierMapReady) return;
      element.dataset.revierMapReady = "1";
      loadData(element)
        .then(function (data) { build(element, data); })
        .catch(function (error) {
          element.hidden = true;
          if (window.console) console.warn("revier map:", error);
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  // Content swapped in by htmx may bring maps of its own.
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();

// rpprof flame graph: zoom on click, reset, details on hover, search.
// Names are read as text from each frame's <title> and never evaluated.
(function () {
  "use strict";
  var svg = document.documentElement;
  var pad = parseFloat(svg.getAttribute("data-pad"));
  var charWidth = parseFloat(svg.getAttribute("data-char"));
  var share = parseFloat(svg.getAttribute("data-share"));
  var full = parseFloat(svg.getAttribute("width")) - 2 * pad;
  var details = document.getElementById("details");
  var reset = document.getElementById("reset");
  var search = document.getElementById("search");
  var matched = document.getElementById("matched");
  var frames = [];
  var nodes = document.querySelectorAll("g.f");
  for (var i = 0; i < nodes.length; i++) {
    var g = nodes[i];
    var rect = g.querySelector("rect");
    var tip = g.querySelector("title").textContent.split("\n");
    frames.push({
      g: g,
      rect: rect,
      text: g.querySelector("text"),
      x: parseFloat(rect.getAttribute("x")),
      w: parseFloat(rect.getAttribute("width")),
      depth: parseInt(g.getAttribute("data-d"), 10),
      name: tip[0],
      info: tip.join(": ")
    });
  }

  function fit(name, px) {
    var room = Math.floor((px - 6) / charWidth);
    if (room < 3) return "";
    if (name.length <= room) return name;
    return name.substring(0, room - 2) + "..";
  }

  function place(f, x, w) {
    f.rect.setAttribute("x", x.toFixed(2));
    f.rect.setAttribute("width", w.toFixed(2));
    f.text.setAttribute("x", (x + 3).toFixed(2));
    f.text.textContent = fit(f.name, w);
  }

  var eps = 1e-6;
  function zoom(z) {
    var scale = full / z.w;
    frames.forEach(function (f) {
      var inside = f.x >= z.x - eps && f.x + f.w <= z.x + z.w + eps;
      if (f.depth >= z.depth && inside) {
        f.g.style.display = "";
        f.g.classList.remove("context");
        place(f, pad + (f.x - z.x) * scale, f.w * scale);
      } else if (f.depth < z.depth && f.x <= z.x + eps && f.x + f.w >= z.x + z.w - eps) {
        f.g.style.display = "";
        f.g.classList.add("context");
        place(f, pad, full);
      } else {
        f.g.style.display = "none";
      }
    });
    reset.setAttribute("visibility", "visible");
    svg.setAttribute("data-zoomed", z.name);
  }

  function unzoom() {
    frames.forEach(function (f) {
      f.g.style.display = "";
      f.g.classList.remove("context");
      place(f, f.x, f.w);
    });
    reset.setAttribute("visibility", "hidden");
    svg.removeAttribute("data-zoomed");
  }

  function clearSearch() {
    frames.forEach(function (f) { f.g.classList.remove("match"); });
    matched.textContent = "";
    search.textContent = "Search";
    svg.removeAttribute("data-matched");
  }

  // Highlights the frames whose name matches `pattern` and shows the
  // share of the picture they cover (nested matches counted once).
  function find(pattern) {
    var re;
    try {
      re = new RegExp(pattern);
    } catch (e) {
      details.textContent = "invalid regexp: " + pattern;
      return;
    }
    clearSearch();
    var spans = [];
    frames.forEach(function (f) {
      if (re.test(f.name)) {
        f.g.classList.add("match");
        spans.push([f.x, f.x + f.w]);
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var covered = 0, end = -Infinity;
    spans.forEach(function (s) {
      if (s[1] <= end) return;
      covered += s[1] - Math.max(s[0], end);
      end = s[1];
    });
    var pct = full > 0 ? (100 * share * covered / full) : 0;
    matched.textContent = "Matched: " + pct.toFixed(2) + "%";
    search.textContent = "Clear search";
    svg.setAttribute("data-matched", pct.toFixed(2));
  }

  frames.forEach(function (f) {
    f.g.addEventListener("click", function () { zoom(f); });
    f.g.addEventListener("mouseover", function () { details.textContent = f.info; });
    f.g.addEventListener("mouseout", function () { details.textContent = ""; });
  });
  reset.addEventListener("click", unzoom);
  search.addEventListener("click", function () {
    if (svg.hasAttribute("data-matched")) {
      clearSearch();
      return;
    }
    var p = window.prompt("Search for (regexp):", "");
    if (p) find(p);
  });
  window.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === "f") {
      e.preventDefault();
      var p = window.prompt("Search for (regexp):", "");
      if (p) find(p);
    } else if (e.key === "Escape") {
      unzoom();
    }
  });
  // For scripted checks and bookmarks: #search=RE and #zoom=N.
  var hash = decodeURIComponent(window.location.hash.substring(1));
  if (hash.indexOf("search=") === 0) find(hash.substring(7));
  if (hash.indexOf("zoom=") === 0) {
    var n = parseInt(hash.substring(5), 10);
    if (frames[n]) zoom(frames[n]);
  }
  svg.setAttribute("data-ready", "true");
})();

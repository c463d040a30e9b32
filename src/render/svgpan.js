// rpprof call graph: the mouse wheel zooms around the pointer, dragging
// pans, a double click (or the 0 key) shows the whole graph again.
(function () {
  "use strict";
  var svg = document.documentElement;
  var view = document.getElementById("viewport");
  var scale = 1, tx = 0, ty = 0;
  var drag = null;

  function apply() {
    view.setAttribute("transform",
      "translate(" + tx.toFixed(3) + " " + ty.toFixed(3) + ") scale(" + scale.toFixed(5) + ")");
  }

  // The pointer in the coordinates of the SVG's viewBox.
  function point(e) {
    var m = svg.getScreenCTM();
    if (!m) return { x: 0, y: 0 };
    var p = svg.createSVGPoint();
    p.x = e.clientX;
    p.y = e.clientY;
    p = p.matrixTransform(m.inverse());
    return { x: p.x, y: p.y };
  }

  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var p = point(e);
    var f = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002));
    var next = Math.min(Math.max(scale * f, 0.05), 50);
    f = next / scale;
    tx = p.x - (p.x - tx) * f;
    ty = p.y - (p.y - ty) * f;
    scale = next;
    apply();
  }, { passive: false });

  svg.addEventListener("mousedown", function (e) {
    if (e.button !== 0) return;
    var p = point(e);
    drag = { x: p.x, y: p.y, tx: tx, ty: ty };
    svg.style.cursor = "move";
    e.preventDefault();
  });
  svg.addEventListener("mousemove", function (e) {
    if (!drag) return;
    var p = point(e);
    tx = drag.tx + (p.x - drag.x);
    ty = drag.ty + (p.y - drag.y);
    apply();
  });
  function stop() {
    drag = null;
    svg.style.cursor = "";
  }
  svg.addEventListener("mouseup", stop);
  svg.addEventListener("mouseleave", stop);

  function reset() {
    scale = 1;
    tx = 0;
    ty = 0;
    apply();
  }
  svg.addEventListener("dblclick", reset);
  document.addEventListener("keydown", function (e) {
    if (e.key === "0") reset();
  });
})();

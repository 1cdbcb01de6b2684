/* footprint report: filtering and folding, nothing else. Inlined and pinned by its hash in the
   page's Content-Security-Policy; it reads no data into markup (Trusted Types forbid it) and
   the report is complete without it. */
(function () {
  "use strict";
  var bar = document.getElementById("toolbar");
  if (!bar) { return; }
  var findings = Array.prototype.slice.call(document.querySelectorAll("article.finding"));
  var status = document.getElementById("filter-status");
  var closed = document.getElementById("show-closed");

  function apply() {
    var wanted = {};
    Array.prototype.forEach.call(bar.querySelectorAll("input[data-severity]"), function (box) {
      wanted[box.getAttribute("data-severity")] = box.checked;
    });
    var shown = 0;
    findings.forEach(function (f) {
      var visible = wanted[f.getAttribute("data-severity")] !== false &&
        (closed.checked || f.getAttribute("data-counted") === "yes");
      f.hidden = !visible;
      if (visible) { shown += 1; }
    });
    status.textContent = shown + " of " + findings.length + " findings shown";
  }

  function fold(open) {
    findings.forEach(function (f) {
      var details = f.querySelector("details");
      if (details) { details.open = open; }
    });
  }

  bar.addEventListener("change", apply);
  document.getElementById("fold-all").addEventListener("click", function () { fold(false); });
  document.getElementById("unfold-all").addEventListener("click", function () { fold(true); });

  // Printing gives the whole report, whatever is filtered or folded on screen.
  var saved = null;
  window.addEventListener("beforeprint", function () {
    // Every details element of a finding: its own, and a learned finding's folded cues.
    saved = findings.map(function (f) {
      var all = Array.prototype.slice.call(f.querySelectorAll("details"));
      return [f.hidden, all.map(function (d) { return d.open; })];
    });
    findings.forEach(function (f) {
      f.hidden = false;
      f.querySelectorAll("details").forEach(function (d) { d.open = true; });
    });
  });
  window.addEventListener("afterprint", function () {
    if (!saved) { return; }
    findings.forEach(function (f, i) {
      f.hidden = saved[i][0];
      f.querySelectorAll("details").forEach(function (d, j) { d.open = saved[i][1][j]; });
    });
    saved = null;
  });

  bar.hidden = false;
  document.documentElement.classList.add("js");
  apply();
}());

// The catalog's filters fold behind their summary on a phone (the page's default,
// without script); on a wide screen they stay open beside the results.
(function () {
  var wide = window.matchMedia("(min-width: 48rem)");
  document.querySelectorAll("[data-filters]").forEach(function (details) {
    var sync = function () { details.open = wide.matches; };
    sync();
    wide.addEventListener("change", sync);
  });
})();

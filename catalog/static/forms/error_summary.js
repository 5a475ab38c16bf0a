// The error summary takes the focus when the page loads (GOV.UK pattern), so a
// screen reader announces it and Tab goes to its first link. A static file, allowed
// by the site's Content-Security-Policy (script-src 'self'); autofocus on the
// summary does the same where the browser honours it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
});

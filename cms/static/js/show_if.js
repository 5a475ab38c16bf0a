// Progressive enhancement for "show if" questions of an online filing form: a
// question whose condition is not met is hidden and its inputs disabled (so they
// are not sent). Without this script every question is shown and the server
// ignores the answers of those whose condition is not met.
(function () {
  var form = document.querySelector("form[data-show-if-form]");
  if (!form) { return; }
  var wrappers = Array.prototype.slice.call(form.querySelectorAll("[data-show-if-field]"));
  if (!wrappers.length) { return; }

  function currentValue(name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.disabled) { return ""; }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { return input.value; }
      } else {
        return input.value;
      }
    }
    return "";
  }

  function update() {
    // Document order is question order, so a parent is settled before its children.
    wrappers.forEach(function (wrapper) {
      var values = wrapper.getAttribute("data-show-if-values").split("\n");
      var shown = values.indexOf(currentValue(wrapper.getAttribute("data-show-if-field")).trim()) !== -1;
      wrapper.hidden = !shown;
      wrapper.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
      var hint = wrapper.querySelector("[data-show-if-hint]");
      if (hint) { hint.hidden = true; }
    });
  }

  form.addEventListener("change", update);
  update();
})();

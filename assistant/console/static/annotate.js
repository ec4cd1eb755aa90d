// Annotation: select words of the message (click), pick an entity, "Mark": the span's
// character offsets (from the Thai-aware tokenizer) go into the hidden "spans" field.
(function () {
  "use strict";
  var form = document.getElementById("annotation");
  if (!form) return;
  var spansField = form.querySelector("input[name=spans]");
  var list = document.getElementById("marked");
  var tokens = Array.prototype.slice.call(form.querySelectorAll(".token"));
  var spans = JSON.parse(spansField.value || "[]");

  function render() {
    spansField.value = JSON.stringify(spans);
    list.textContent = "";
    var text = document.querySelector(".annotate-text").textContent;
    spans.forEach(function (span) {
      var item = document.createElement("li");
      item.textContent = text.slice(span.start, span.end) + " → " + span.entity;
      list.appendChild(item);
    });
  }
  tokens.forEach(function (token) {
    token.addEventListener("click", function () {
      var pressed = token.getAttribute("aria-pressed") === "true";
      token.setAttribute("aria-pressed", pressed ? "false" : "true");
    });
  });
  document.getElementById("mark-entity").addEventListener("click", function () {
    var chosen = tokens.filter(function (t) { return t.getAttribute("aria-pressed") === "true"; });
    if (!chosen.length) return;
    spans.push({ start: Number(chosen[0].dataset.start),
                 end: Number(chosen[chosen.length - 1].dataset.end),
                 entity: document.getElementById("entity-name").value });
    chosen.forEach(function (t) { t.setAttribute("aria-pressed", "false"); });
    render();
  });
  document.getElementById("clear-entities").addEventListener("click", function () {
    spans = [];
    render();
  });
  render();
})();

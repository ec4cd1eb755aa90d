// Knowledge editor: the preview follows the typing (the server renders it, escaped, as the
// chat would show the article), and related articles are found by their title in English or
// Thai. Without script the Preview button shows the preview and the whole list shows.
(function () {
  "use strict";
  var form = document.getElementById("article-form");
  if (!form) return;

  var timer = null, pending = null;
  function refresh() {
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(form.dataset.previewUrl, { method: "POST", body: new FormData(form),
                                      credentials: "same-origin", signal: pending.signal })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        var current = document.getElementById("article-preview");
        var fresh = html && new DOMParser().parseFromString(html, "text/html")
          .getElementById("article-preview");
        if (current && fresh) current.replaceChildren.apply(current, Array.from(fresh.childNodes));
      })
      .catch(function () { /* replaced by newer typing, or offline: the next input retries */ });
  }
  form.addEventListener("input", function (event) {
    if (event.target.id === "related-search") return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  document.getElementById("preview-button").hidden = true;

  var search = document.getElementById("related-search");
  var items = Array.from(document.querySelectorAll("#related-list li"));
  var count = document.getElementById("related-count");
  function filter() {
    var wanted = search.value.trim().toLowerCase(), shown = 0, chosen = 0;
    items.forEach(function (item) {
      var checked = item.querySelector("input").checked;
      item.hidden = !(checked || !wanted || item.dataset.titles.indexOf(wanted) !== -1);
      if (!item.hidden) shown += 1;
      if (checked) chosen += 1;
    });
    count.textContent = chosen + " chosen · " + shown + " of " + items.length + " shown";
  }
  search.parentElement.hidden = false;
  search.addEventListener("input", filter);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") event.preventDefault();  // Enter here must not save the article
  });
  document.getElementById("related-list").addEventListener("change", filter);
  filter();
})();

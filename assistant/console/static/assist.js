// Agent assist: "Insert into reply" puts an article's short answer and source link into the
// reply box (at the end of what is already typed) so staff can adjust it before sending.
// Listens on the document, so buttons that arrive with an in-place update work too.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest(".insert-article");
    var reply = document.getElementById("reply-text");
    if (!button || !reply) return;
    var text = button.getAttribute("data-text");
    reply.value = reply.value ? reply.value.replace(/\s*$/, "\n\n") + text : text;
    reply.focus();
  });
})();

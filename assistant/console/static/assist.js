// Agent assist: "Insert into reply" puts an article's short answer and source link into the
// reply box (at the end of what is already typed) so staff can adjust it before sending.
(function () {
  "use strict";
  var reply = document.getElementById("reply-text");
  if (!reply) return;
  document.querySelectorAll(".insert-article").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-text");
      reply.value = reply.value ? reply.value.replace(/\s*$/, "\n\n") + text : text;
      reply.focus();
    });
  });
})();

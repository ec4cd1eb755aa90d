/*
 * Bangkok Expat Assistant chat widget. Embed with one tag:
 *   <script src="https://HOST/webchat/widget.js" defer></script>
 * Optional attributes: data-api="https://HOST" (default: where the script comes from),
 * data-lang="en|th" (default: the page's or the browser's language).
 * Once the center lists partner sites (PARTNER_SITES), only their pages and the center's own
 * may use the chat; on another the widget says so instead of offering a chat.
 * Vanilla JS, no framework, no CDN. Styles live in a shadow root so the host page's CSS
 * neither leaks in nor out. The service serves this file as one script made of the parts
 * in webchat/widget/, in the order of their names, inside one function.
 */

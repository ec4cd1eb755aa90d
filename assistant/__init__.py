"""Bangkok Expat Assistant: the web service (chat API, staff console, reports, training).

Layers, top to bottom; a module imports only from its own layer's package or lower ones
(``make imports`` checks it): ``app``; ``cli``; the blueprints ``api``, ``console``,
``training``, ``reports``, ``channels``, ``public``; ``web``; the chat core ``chat``;
``rasa``, ``mail``, ``records``; ``models``; ``settings``, ``extensions``, ``limits``.
The Rasa side (``nlu``, ``actions``, ``knowledge``) and ``common`` never import it.
"""

"""Public pages without a login: the chat widget and its demo page, the rating page of e-mails."""

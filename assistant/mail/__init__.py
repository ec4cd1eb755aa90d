"""E-mail: the outbox and SMTP, the offline question's mails, transcripts, rating links."""

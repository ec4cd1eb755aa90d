"""Records about people and changes: personal data (PDPA), redaction, the audit log."""

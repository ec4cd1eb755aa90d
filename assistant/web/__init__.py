"""What every blueprint shares: sign-in and roles, shared forms, rate limits and headers."""

"""Test support: fake LINE API, mail capture, headless browser, console sign-in, workspaces."""

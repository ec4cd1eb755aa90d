"""Developer scripts: start the assistant locally, evaluate it, benchmark it."""

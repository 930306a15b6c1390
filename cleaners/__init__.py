"""Pure functions: raw page -> clean text + metadata + what was removed and why."""

"""The stages and their wiring: clean, dedup, the run, the CLI."""

"""The terminal UI: screens over the same core use cases the CLI calls."""

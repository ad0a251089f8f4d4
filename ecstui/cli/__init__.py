"""The one-shot CLI face: parse -> core use case -> output."""

"""GitHub: PyGithub behind an async facade (threads), returning ecstui.domain.runs models."""

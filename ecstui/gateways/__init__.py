"""I/O only: AWS and GitHub calls that return domain models and raise ecstui errors."""

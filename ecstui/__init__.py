"""ecstui: the on-call console for ECS services shipped by GitHub Actions."""

__version__ = "0.1.0"

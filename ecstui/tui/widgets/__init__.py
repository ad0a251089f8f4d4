"""Widgets shared by screens; they render data and never do I/O."""

"""Screens: one per view; each gets its data from the core through app workers."""

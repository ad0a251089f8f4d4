"""One module per CLI command: docstring, add_arguments(parser), run(args) -> int.

Optional: check(args), usage errors found before anything starts (a `--demo` sandbox,
a request); preload(), imports `--demo` runs while its sandbox starts.
"""

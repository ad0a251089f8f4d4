"""One module per CLI command: docstring, add_arguments(parser), run(args) -> int."""

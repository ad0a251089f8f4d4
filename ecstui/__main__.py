"""`python -m ecstui` runs the same entry point as the `ecstui` console script."""

from ecstui.cli.main import main

raise SystemExit(main())

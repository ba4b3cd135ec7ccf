"""Allow ``python -m blitzls``."""

from blitzls.cli import main

raise SystemExit(main())

"""``python -m gradscape`` runs the command line."""

from gradscape.cli.main import main

raise SystemExit(main())

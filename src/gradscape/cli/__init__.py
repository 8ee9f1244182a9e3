"""The ``gradscape`` command line: ``main`` and the command table in ``cli.main``, one module
per command, nothing re-exported here (the CLI's start-up imports only what a command uses).
"""

__all__: list[str] = []

"""Optimizers and critical points: ``descend`` runs a row of THE optimizer table
(``optim.optimizers``) through the fused compiled loop or the NumPy reference; ``tune_lr``,
schedules and ``critical_points`` sit beside it. Import from the modules, or the top-level
names (``gradscape.descend``); this package re-exports nothing.
"""

__all__: list[str] = []

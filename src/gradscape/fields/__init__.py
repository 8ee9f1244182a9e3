"""Grids of values and gradients: ``gradscape.fields.field`` (also ``gradscape.field``)."""

__all__: list[str] = []

"""What a plotting function returns: the artists it drew by role, and notes for the caption.

>>> d = Drawn(notes=["levels are log-spaced"], value=2.0)
>>> d.artists["lines"] = "a ContourSet"
>>> d["lines"], d.value
('a ContourSet', 2.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from gradscape.plot.scales import Levels

__all__ = ["Drawn"]


@dataclass
class Drawn:
    """What a plotting function drew: its artists by role, and notes for the caption."""

    artists: dict[str, Any] = dc_field(default_factory=dict)
    notes: list[str] = dc_field(default_factory=list)
    levels: Levels | None = None
    value: float | None = None  # the number the picture is about, when there is one

    def __getitem__(self, key: str) -> Any:
        return self.artists[key]

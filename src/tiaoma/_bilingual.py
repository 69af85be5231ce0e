"""Enumerations whose members carry their English and Chinese names, for the CLI and the hall.

>>> class Colour(Bilingual):
...     RED = ("red", "红色")
>>> Colour.RED.english, Colour.RED.chinese
('red', '红色')
"""

from __future__ import annotations

import enum

__all__ = ["Bilingual"]


class Bilingual(enum.Enum):
    """Members are ``(english, chinese)`` pairs."""

    @property
    def english(self) -> str:
        text: str = self.value[0]
        return text

    @property
    def chinese(self) -> str:
        text: str = self.value[1]
        return text

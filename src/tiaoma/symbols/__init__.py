"""Encoders: data in, module pattern and layout facts out (:class:`Symbol`); nothing drawn.

Data passes tiaoma's own validation first: a symbol with a bad check digit is never made.
"""

from tiaoma.symbols.base import QuietZone, Row, Symbol, Symbology, TextItem

__all__ = ["QuietZone", "Row", "Symbol", "Symbology", "TextItem"]

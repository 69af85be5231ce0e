"""tiaoma (条码): China's commodity barcode system in Python.

The numbers library: one module per identifier, each with the same small interface —
``compact``, ``validate``, ``is_valid``, ``format``, ``calc_check_digit`` and a rich ``parse`` —
and one exception tree (:mod:`tiaoma.errors`) rooted in :class:`ValueError`.

>>> from tiaoma import gtin
>>> gtin.parse("6936983800013").company_prefix
'69369838'

Importing ``tiaoma`` loads no reference table: each is read the first time it is needed.
"""

from __future__ import annotations

__version__ = "0.1.0.dev0"

"""Compile the hall's message catalogues (.po -> .mo) with polib: no GNU gettext needed.

python scripts/compile_messages.py          # writes src/hall/locale/*/LC_MESSAGES/django.mo
python scripts/compile_messages.py --check  # exits 1 if a .mo is missing or out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "hall" / "locale"


def compiled(po_path: Path) -> bytes:
    """The .mo bytes of one catalogue; untranslated and fuzzy entries left out."""
    catalogue = polib.pofile(str(po_path))
    missing = [entry.msgid for entry in catalogue if not entry.translated()]
    if missing:
        raise SystemExit(f"{po_path}: {len(missing)} untranslated, first {missing[0]!r}")
    mo_path = po_path.with_suffix(".mo")
    catalogue.save_as_mofile(str(mo_path))
    return mo_path.read_bytes()


def main(argv: list[str]) -> int:
    stale = []
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        mo_path = po_path.with_suffix(".mo")
        before = mo_path.read_bytes() if mo_path.exists() else b""
        if compiled(po_path) != before:
            stale.append(mo_path)
    if "--check" in argv and stale:
        print("out of date (now rewritten):", *stale)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The hall is Chinese first with English available: every message it shows, from Python or a
template, has its English translation in the catalogue (a missing one would show Chinese to
someone who chose English)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib

HALL = Path(__file__).resolve().parents[2] / "src" / "hall"
GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "pgettext"}
TEMPLATE_STRING = re.compile(r"""{%\s*(?:trans|translate)\s+(?:"([^"]+)"|'([^']+)')""")
#: A ``blocktranslate`` without plural or context: its msgid is its body, ``{{ name }}`` as
#: ``%(name)s``.
TEMPLATE_BLOCK = re.compile(
    r"{%\s*blocktrans(?:late)?\b[^%]*%}(.*?){%\s*endblocktrans(?:late)?\s*%}", re.S
)
BLOCK_VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")


def _translated() -> set[str]:
    catalogue = polib.pofile(str(HALL / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    return {entry.msgid for entry in catalogue if entry.translated()}


def _python_messages() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in HALL.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in GETTEXT and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):  # fmt: skip
                found.setdefault(node.args[0].value, str(path.relative_to(HALL)))
    return found


def _template_messages() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in (HALL / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_STRING.finditer(text):
            found.setdefault(match.group(1) or match.group(2), str(path.relative_to(HALL)))
        for match in TEMPLATE_BLOCK.finditer(text):
            if "{% plural" not in match.group(1):
                msgid = BLOCK_VARIABLE.sub(r"%(\1)s", match.group(1))
                found.setdefault(msgid, str(path.relative_to(HALL)))
    return found


def test_every_message_has_its_english_translation() -> None:
    python, templates = _python_messages(), _template_messages()
    assert len(python) > 300  # the walks found the hall's messages
    assert len(templates) > 100
    translated = _translated()
    missing = {text: where for text, where in {**templates, **python}.items()
               if text not in translated}  # fmt: skip
    assert missing == {}

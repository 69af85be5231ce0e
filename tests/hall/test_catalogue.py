"""The hall is Chinese first with English available: every message it shows, from Python or a
template, has its English translation in the catalogue (a missing one would show Chinese to
someone who chose English)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest

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


#: Han characters: a message in Chinese has them, its English translation has none.
HAN = re.compile(r"[\u4e00-\u9fff]")


def _django_messages() -> list[str]:
    """Django's own messages as the hall's pages show them: the password rules (Django's
    validators and the hall's), and a form's required, choice, length and number errors."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from hall.accounts.forms import LoginForm
    from hall.applications.forms import RenewalForm

    shown: list[str] = []
    for password in ("abc", "12345678", "password"):
        try:
            validate_password(password)
        except ValidationError as error:
            shown += error.messages
    login = LoginForm({"method": "nonsense", "identifier": "1" * 30})
    renewal = RenewalForm({"barcodes_in_use": "x", "email": "not-mail"})
    for form in (login, renewal):
        form.is_valid()
        shown += [str(message) for messages in form.errors.values() for message in messages]
    return shown


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_djangos_own_messages_shown_are_in_the_readers_language(language: str) -> None:
    from django.utils import translation

    with translation.override(language):
        shown = _django_messages()
    assert len(shown) > 8
    if language == "zh-hans":
        assert [message for message in shown if not HAN.search(message)] == []
    else:
        assert [message for message in shown if HAN.search(message)] == []

"""The exception tree: stable codes, both languages, short messages."""

from __future__ import annotations

import importlib
import pkgutil
import string

import pytest

import tiaoma
from tiaoma import errors
from tiaoma.errors import InvalidChecksum, TiaomaError


def _import_every_module() -> None:
    for module in pkgutil.walk_packages(tiaoma.__path__, "tiaoma."):
        importlib.import_module(module.name)


def test_tree_is_rooted_in_value_error() -> None:
    for cls in (
        errors.InvalidFormat,
        errors.InvalidLength,
        errors.InvalidChecksum,
        errors.InvalidComponent,
    ):
        assert issubclass(cls, TiaomaError)
        assert issubclass(cls, ValueError)


def test_every_code_has_both_languages_with_the_same_fields() -> None:
    _import_every_module()
    codes = errors.registered_codes()
    assert len(codes) > 5
    for code, (english, chinese) in codes.items():
        assert english, code
        assert chinese, code
        fields_en = {f[1] for f in string.Formatter().parse(english) if f[1]}
        fields_zh = {f[1] for f in string.Formatter().parse(chinese) if f[1]}
        # The Chinese may leave out an English-only detail, never name a field English lacks
        # (except the *_zh variants written for it).
        assert {f for f in fields_zh if not f.endswith("_zh")} <= fields_en, code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), f"{code}: not Chinese"


def test_message_names_value_expectation_and_finding() -> None:
    error = InvalidChecksum(errors.CHECKSUM, value="6901234567890", expected="2", found="0")
    assert str(error) == "Invalid check digit for '6901234567890': expected 2, got 0"
    assert error.message == str(error)
    assert error.message_zh == "校验码错误：“6901234567890”的校验码应为 2，实为 0"
    assert error.as_dict() == {
        "code": "checksum",
        "message": str(error),
        "message_zh": error.message_zh,
        "params": {"value": "6901234567890", "expected": "2", "found": "0"},
    }


def test_long_values_are_shortened_in_messages() -> None:
    error = InvalidChecksum(errors.CHECKSUM, value="9" * 10_000, expected="2", found="0")
    assert "…(10000 chars)" in str(error)
    assert len(error.message_zh) < 200
    assert len(error.as_dict()["params"]["value"]) < 100


def test_undefined_code_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError, match="undefined error code"):
        TiaomaError("no-such-code")


def test_redefining_a_code_differently_is_refused() -> None:
    errors.define("test.same", "A {x}", "甲 {x}")
    assert errors.define("test.same", "A {x}", "甲 {x}") == "test.same"
    with pytest.raises(RuntimeError, match="defined twice"):
        errors.define("test.same", "B {x}", "乙 {x}")


def test_control_characters_are_escaped_in_both_languages() -> None:
    error = InvalidChecksum(errors.CHECKSUM, value="\x1b[2J69", expected="2", found="0")
    assert "\x1b" not in str(error)
    assert "\x1b" not in error.message_zh
    assert "\\x1b[2J69" in error.message_zh


@pytest.mark.parametrize(
    ("expected", "chinese"),
    [
        ("8, 12, 13 or 14 digits", "8、12、13 或 14 位"),
        ("at least 2 digits", "至少 2 位"),
        (
            "10 or 13 characters, optionally followed by a 2- or 5-digit add-on",
            "10 或 13 个字符、后可接 2 位或 5 位附加码",
        ),
    ],
)
def test_length_messages_are_chinese_whole(expected: str, chinese: str) -> None:
    # The most common error must read as Chinese, and what we expected is never cut short.
    error = errors.InvalidLength(errors.LENGTH, value="123", expected=expected, found=3)
    assert chinese in error.message_zh
    assert expected in str(error)


def test_as_dict_is_json_ready() -> None:
    import decimal
    import json

    error = errors.InvalidComponent(
        errors.CHECKSUM, value="1", expected=decimal.Decimal("9.99"), found=decimal.Decimal("10.00")
    )
    assert json.loads(json.dumps(error.as_dict()))["params"]["expected"] == "9.99"

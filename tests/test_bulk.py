"""Bulk validation: the vectorised path and the per-line path give the same answers."""

from __future__ import annotations

import csv
import io
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import ean

from tiaoma import bulk, checksum, gtin


def run(data: bytes) -> tuple[bulk.BulkResult, list[dict[str, str]]]:
    report = io.StringIO()
    result = bulk.validate_stream(io.BytesIO(data), report)
    rows = list(csv.DictReader(io.StringIO(report.getvalue())))
    return result, rows


def test_fixed_width_file() -> None:
    # The common case: every line a 13-digit GTIN, read as a strided view without copying.
    lines = [b"6936983800013", b"6901234567892", b"6936983800010", b"6901234567892"]
    result, rows = run(b"\n".join(lines) + b"\n")
    assert result.as_dict() == {"lines": 4, "valid": 3, "invalid": 1, "blank": 0}
    assert rows == [
        {
            "line": "3",
            "value": "6936983800010",
            "code": "checksum",
            "message": "Invalid check digit for '6936983800010': expected 3, got 0",
            "message_zh": "校验码错误：“6936983800010”的校验码应为 3，实为 0",
        }
    ]


def test_mixed_lines_crlf_blank_and_no_final_newline() -> None:
    data = (
        "6936983800013\r\n69012341\r\n\r\n  \n６９３６９８３８０００１３\n16936983800010\n"
        "614141000036\nnonsense\n693698380001"
    ).encode()
    result, rows = run(data)
    assert result.as_dict() == {"lines": 9, "valid": 5, "invalid": 2, "blank": 2}
    assert [(row["line"], row["code"]) for row in rows] == [
        ("8", "unrecognised"),
        ("9", "checksum"),
    ]


def test_binary_garbage_and_megabyte_lines_are_reported_and_reading_goes_on() -> None:
    data = b"\x00\xff\xfe\x1b[31m\n" + b"6" * 3_000_000 + b"\n6936983800013\n"
    result, rows = run(data)
    assert result.as_dict() == {"lines": 3, "valid": 1, "invalid": 2, "blank": 0}
    assert rows[0]["line"] == "1"
    assert rows[1]["line"] == "2"
    assert len(rows[1]["value"]) < 300
    assert len(rows[1]["message"]) < 200


def test_lines_span_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Chunks end at newlines: a line is never split between two chunks.
    monkeypatch.setattr(bulk, "CHUNK_BYTES", 10)
    result, rows = run(b"6936983800013\n6936983800010\n6901234567892\n")
    assert result.as_dict() == {"lines": 3, "valid": 2, "invalid": 1, "blank": 0}
    assert rows[0]["line"] == "2"


def test_no_report_and_progress() -> None:
    seen: list[int] = []
    result = bulk.validate_stream(io.BytesIO(b"6936983800013\n"), None, progress=seen.append)
    assert result.valid == 1
    assert sum(seen) == 14


def test_empty_file() -> None:
    result, rows = run(b"")
    assert result.as_dict() == {"lines": 0, "valid": 0, "invalid": 0, "blank": 0}
    assert rows == []


@settings(max_examples=60)
@given(
    st.lists(
        # Eight digits may also be a UPC-E or an ISSN, which stdnum's EAN check does not know:
        # test_verdicts_agree_with_identify covers them.
        st.sampled_from([12, 13, 14]).flatmap(
            lambda n: st.text("0123456789", min_size=n, max_size=n)
        ),
        min_size=1,
        max_size=50,
    )
)
def test_verdicts_agree_with_stdnum_per_line(numbers: list[str]) -> None:
    _result, rows = run(("\n".join(numbers) + "\n").encode())
    invalid = {int(row["line"]) for row in rows}
    for line, number in enumerate(numbers, 1):
        assert (line not in invalid) == ean.is_valid(number)
    for row in rows:
        expected = checksum.calc_check_digit(row["value"][:-1])
        assert f"expected {expected}," in row["message"]


def test_large_random_file_agrees_with_the_single_validator() -> None:
    rng = random.Random(5)
    numbers = []
    for _ in range(20_000):
        body = "".join(rng.choice("0123456789") for _ in range(12))
        digit = checksum.calc_check_digit(body)
        numbers.append(body + (digit if rng.random() < 0.9 else str((int(digit) + 3) % 10)))
    result, rows = run(("\n".join(numbers) + "\n").encode())
    assert result.valid == sum(gtin.is_valid(number) for number in numbers)
    assert result.invalid == len(rows) == len(numbers) - result.valid


def test_verdicts_agree_with_identify() -> None:
    # `tiaoma bulk` and `tiaoma check` must never disagree about a line.
    from tiaoma import identify

    rng = random.Random(11)
    lines = [
        "04252614",
        "16712161",
        "9790123456785",
        "0212345678909",
        "978912340000000012",
        "ISBN 978-7-111-21382-6",
        "\ufeff6936983800013",
    ]
    for _ in range(3000):
        length = rng.choice([6, 7, 8, 8, 8, 12, 13, 13, 14, 15, 18])
        lines.append("".join(rng.choice("0123456789") for _ in range(length)))
    result, rows = run(("\n".join(lines) + "\n").encode())
    invalid = {int(row["line"]) for row in rows}
    for line, text in enumerate(lines, 1):
        assert (line not in invalid) == identify.is_valid(text), text
    assert result.valid + result.invalid == len(lines)


@pytest.mark.parametrize("value", ["=1+2", "+69", "-1", "@SUM(A1)"])
def test_report_cells_are_never_formulas(value: str) -> None:
    _, rows = run(f"{value}\n".encode())
    assert rows[0]["value"] == "'" + value


@settings(max_examples=80)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([8, 12, 13, 14]).flatmap(
                lambda n: st.text("0123456789", min_size=n, max_size=n)
            ),
            st.text(max_size=16),  # anything: spaces, full-width digits, line breaks, letters
        ),
        max_size=40,
    )
)
def test_plain_valid_gtins_never_accept_what_the_validator_refuses(texts: list[str]) -> None:
    """True exactly for plain digit GTINs the single validator accepts as they are written."""
    mask = bulk.plain_valid_gtins(texts).tolist()
    assert len(mask) == len(texts)
    for text, plain in zip(texts, mask, strict=True):
        written_plainly = text.isascii() and text.isdigit() and len(text) in (8, 12, 13, 14)
        assert plain == (written_plainly and gtin.is_valid(text))
        if plain:
            assert gtin.validate(text) == text


def test_plain_valid_gtins_of_a_large_list() -> None:
    rng = random.Random(9)
    texts = [f"69{rng.randrange(10**11):011d}" for _ in range(30_000)]  # a tenth are valid
    assert bulk.plain_valid_gtins(texts).tolist() == [gtin.is_valid(t) for t in texts]

"""Commodity 2D codes after GB/T 33993-2024 (tiaoma.commodity2d).

The standard's Annex C (its examples) is not public; the cases here are the rules its public
descriptions give, each with one code that keeps it and one that breaks it, and round trips
render → scan (zxing-cpp) → parse for each symbol zxing-cpp reads."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tiaoma import commodity2d, scan
from tiaoma.commodity2d import Carrier, InvalidComponent, Structure
from tiaoma.errors import InvalidFormat, TiaomaError
from tiaoma.render import artwork, geometry_for
from tiaoma.symbols.base import Symbology

GTIN = "06901234567892"

ELEMENT_STRINGS = [
    f"(01){GTIN}",
    f"(01){GTIN}(10)ABC123(17)271231",
    f"(01){GTIN}(17)271231(10)L-2026.12(21)SN0001",
    f"(01){GTIN}(3103)000450(15)270630",
    f"(01){GTIN}(8200)https://example.com/item",  # the extended packaging URL
]
URIS = [
    f"https://example.com/01/{GTIN}",
    f"https://id.gs1.org/01/{GTIN}/10/ABC123?17=271231",
    f"https://qr.example.cn/path/01/{GTIN}/21/SN0001",
]


@pytest.mark.parametrize("text", ELEMENT_STRINGS)
def test_element_strings_with_the_gtin_first_are_commodity_codes(text: str) -> None:
    code = commodity2d.parse(text)
    assert code.structure is Structure.ELEMENT_STRING
    assert code.gtin == GTIN
    assert code.element_string() == text
    assert code.x_dimensions == commodity2d.XRange(0.375, 0.625, 0.990)
    assert code.notes == ()
    assert commodity2d.is_valid(text)


@pytest.mark.parametrize("uri", URIS)
def test_digital_link_uris_keyed_by_the_gtin_are_commodity_codes(uri: str) -> None:
    code = commodity2d.parse(uri)
    assert code.structure is Structure.URI
    assert code.gtin == GTIN
    assert code.uri() == uri
    assert code.x_dimensions.maximum == 0.743
    assert commodity2d.validate(uri) == uri


def test_an_element_string_code_has_a_digital_link_form_and_back() -> None:
    code = commodity2d.parse(f"(01){GTIN}(10)ABC123(17)271231")
    uri = code.uri()
    assert uri == f"https://id.gs1.org/01/{GTIN}/10/ABC123?17=271231"
    assert commodity2d.parse(uri).message == code.message
    assert code.uri("https://example.com").startswith("https://example.com/01/")


@pytest.mark.parametrize(
    ("text", "code", "english", "chinese"),
    [
        (f"(10)ABC(01){GTIN}", "commodity2d.gtin_first", "starts with the GTIN (01)", "应以 (01)"),
        ("https://example.com/414/6901234000009", "commodity2d.uri_key", "not by (414)",
         "实为 (414)"),
    ],
)  # fmt: skip
def test_what_a_commodity_code_may_not_be_is_refused_in_both_languages(
    text: str, code: str, english: str, chinese: str
) -> None:
    with pytest.raises(InvalidComponent) as refused:
        commodity2d.parse(text)
    assert refused.value.code == code
    assert english in str(refused.value)
    assert chinese in refused.value.message_zh


def test_another_things_key_is_refused() -> None:
    """A GLN of a place (414) beside the GTIN is another thing's identity (our reading of
    Annex A); the dictionary's own pairing rules refuse (02) and (00) with (01) already."""
    with pytest.raises(InvalidComponent) as refused:
        commodity2d.parse(f"(01){GTIN}(414)6901234000009")
    assert refused.value.code == "commodity2d.other_key"
    assert "(414)" in str(refused.value)
    assert "(414)" in refused.value.message_zh
    with pytest.raises(TiaomaError):
        commodity2d.parse(f"(01){GTIN}(02){GTIN}")


@pytest.mark.parametrize("text", ["", "hello", f"(01){GTIN[:-1]}3", "https://example.com/x"])
def test_nonsense_gets_the_librarys_reason(text: str) -> None:
    with pytest.raises(TiaomaError) as refused:
        commodity2d.parse(text)
    assert refused.value.message_zh
    assert not commodity2d.is_valid(text)


def test_not_text_is_refused() -> None:
    with pytest.raises(InvalidFormat) as refused:
        commodity2d.parse(6901234567892)  # type: ignore[arg-type]
    assert refused.value.code == "not_text"


def test_what_the_2017_edition_refused_is_valid_with_a_note() -> None:
    code = commodity2d.parse(f"(01){GTIN}(10)A/B")
    assert code.structure is Structure.ELEMENT_STRING
    ((english, chinese),) = code.notes
    assert "2017 edition" in english
    assert "2017" in chinese
    plain = commodity2d.parse(f"http://example.com/01/{GTIN}")
    assert "https://" in plain.notes[0][0]


@pytest.mark.parametrize(
    ("name", "carrier"),
    [("qr", Carrier.QR), ("QR", Carrier.QR), ("hanxin", Carrier.HAN_XIN),
     ("datamatrix", Carrier.DATA_MATRIX), (Carrier.QR, Carrier.QR)],
)  # fmt: skip
def test_carriers_by_name(name: str | Carrier, carrier: Carrier) -> None:
    assert commodity2d.carrier(name) is carrier


def test_an_unknown_carrier_is_refused() -> None:
    with pytest.raises(InvalidComponent) as refused:
        commodity2d.encode(ELEMENT_STRINGS[0], "aztec")
    assert "qr, hanxin, datamatrix" in str(refused.value)
    assert "aztec" in refused.value.message_zh


@pytest.mark.parametrize(
    ("carrier", "element", "uri"),
    [
        (Carrier.QR, Symbology.GS1_QR, Symbology.QR),
        (Carrier.DATA_MATRIX, Symbology.GS1_DATAMATRIX, Symbology.DATAMATRIX),
    ],
)
def test_element_strings_go_in_gs1_mode_and_uris_as_text(
    carrier: Carrier, element: Symbology, uri: Symbology
) -> None:
    assert commodity2d.encode(ELEMENT_STRINGS[1], carrier).symbology is element
    assert commodity2d.encode(URIS[1], carrier).symbology is uri


def _read_back(symbol_text: str, carrier: Carrier) -> scan.Found:
    symbol = commodity2d.encode(symbol_text, carrier)
    x = commodity2d.parse(symbol_text).x_dimensions.target
    image = artwork(symbol, geometry_for(symbol, module_mm=x), "png", dpi=600)
    (found,) = scan.read(image)
    return found


@pytest.mark.parametrize("carrier", [Carrier.QR, Carrier.DATA_MATRIX])
@pytest.mark.parametrize("text", ELEMENT_STRINGS + URIS)
def test_render_scan_parse_round_trip(text: str, carrier: Carrier) -> None:
    """Drawn at the target X at 600 dpi, read by zxing-cpp, parsed again: the same code."""
    found = _read_back(text, carrier)
    again = commodity2d.parse(found.data)
    assert again == commodity2d.parse(text)
    gs1_mode = commodity2d.parse(text).structure is Structure.ELEMENT_STRING
    assert found.symbology_identifier in (("]Q3", "]d2") if gs1_mode else ("]Q1", "]d1"))


def test_the_quality_and_placement_rules_are_stated_in_both_languages() -> None:
    assert commodity2d.MINIMUM_GRADE == "1.5/08/660"
    english, chinese = commodity2d.PLACEMENT
    assert tuple(w for w in ("EAN-13", "Han Xin") if w in english) == ("EAN-13", "Han Xin")
    assert tuple(w for w in ("EAN-13", "汉信码") if w in chinese) == ("EAN-13", "汉信码")
    assert Carrier.HAN_XIN.label == "Han Xin Code (汉信码, GB/T 21049)"
    assert Structure.URI.label == "URI (网址型)"


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        (ELEMENT_STRINGS[1], "commodity 2D code, element string (编码型)"),
        (URIS[1], "commodity 2D code, URI (网址型)"),
        ("(00)069012345678901238", "not a commodity 2D code: A commodity 2D code starts with"),
        ("https://example.com/414/6901234000009", "不是商品二维码：商品二维码的网址"),
    ],
)
def test_info_says_whether_a_code_may_be_a_commodity_2d_code(text: str, verdict: str) -> None:
    from tiaoma.describe import rows
    from tiaoma.identify import identify

    shown = dict(rows(identify(text)))
    assert verdict in shown["GB/T 33993"]
    assert list(dict(rows(identify(text)))).count("GB/T 33993") == 1


@pytest.mark.parametrize("text", ELEMENT_STRINGS + URIS)
def test_han_xin_round_trip_through_tiaomas_own_reader(text: str) -> None:
    """zxing-cpp reads no Han Xin Code: tiaoma's reader takes the PNG back."""
    import numpy as np
    from PIL import Image

    from tiaoma import ai
    from tiaoma.readers.hanxin import read_hanxin

    symbol = commodity2d.encode(text, "hanxin")
    code = commodity2d.parse(text)
    assert symbol.symbology is (
        Symbology.GS1_HANXIN if code.structure is Structure.ELEMENT_STRING else Symbology.HANXIN
    )
    png = artwork(symbol, geometry_for(symbol, module_mm=code.x_dimensions.target), "png")
    (found,) = read_hanxin(np.asarray(Image.open(io.BytesIO(png)).convert("L")))
    assert found.gs1 is (code.structure is Structure.ELEMENT_STRING)
    read = ai.parse(found.text).bracketed() if found.gs1 else found.text
    assert commodity2d.parse(read) == code


def test_han_xin_takes_its_own_levels() -> None:
    symbol = commodity2d.encode(ELEMENT_STRINGS[1], Carrier.HAN_XIN, error_correction="L4")
    assert symbol.symbology is Symbology.GS1_HANXIN
    with pytest.raises(TiaomaError):
        commodity2d.encode(ELEMENT_STRINGS[1], Carrier.HAN_XIN, error_correction="H")


def _command(*argv: str) -> tuple[int, str, str]:
    from tiaoma.cli import UsageError, run

    out, err = io.StringIO(), io.StringIO()
    try:
        status = run(list(argv), out, err, io.StringIO())
    except UsageError as error:
        return 2, out.getvalue(), str(error)
    return status, out.getvalue(), err.getvalue()


LABELS = [("qr", "GS1 QR Code"), ("hanxin", "GS1 Han Xin Code"), ("datamatrix", "GS1 DataMatrix")]


@pytest.mark.parametrize(("carrier", "label"), LABELS)
def test_render_commodity_draws_at_the_target_x(tmp_path: Path, carrier: str, label: str) -> None:
    out = tmp_path / "code.svg"
    status, text, err = _command(
        "render", ELEMENT_STRINGS[1], "--commodity", carrier, "-o", str(out)
    )
    assert status == 0, err
    assert f"wrote {out}: {label}" in text
    assert "X = 0.625 mm" in text
    assert err == ""
    assert "<svg" in out.read_text()


def test_render_commodity_warns_outside_the_range_and_refuses_what_is_not_one(
    tmp_path: Path,
) -> None:
    out = str(tmp_path / "code.svg")
    status, _, err = _command("render", URIS[0], "--commodity", "qr", "--module", "0.9", "-o", out)
    assert status == 0
    assert "outside the commodity 2D code's 0.396-0.743 mm" in err
    assert "商品二维码的模块宽度应在 0.396-0.743 毫米之间" in err
    status, text, _ = _command("render", "(00)069012345678901238", "--commodity", "qr", "-o", out)
    assert status == 1
    assert "starts with the GTIN (01)" in text
    status, _, err = _command(
        "encode", ELEMENT_STRINGS[0], "--commodity", "qr", "--symbology", "qr"
    )
    assert status == 2
    assert "--commodity chooses the symbol itself" in err

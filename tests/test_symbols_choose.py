"""Choosing the symbology from the data."""

from __future__ import annotations

import pytest
import zint

from tests.oracles import zint_modules
from tiaoma.errors import InvalidComponent, TiaomaError
from tiaoma.symbols import Symbology
from tiaoma.symbols.choose import ENCODERS, encode, encoder_for


@pytest.mark.parametrize(
    ("data", "symbology", "encoded"),
    [
        ("6936983800013", Symbology.EAN13, "6936983800013"),
        ("012345678905", Symbology.UPCA, "012345678905"),
        ("04252614", Symbology.UPCE, "04252614"),
        ("2112345912349", Symbology.EAN13, "2112345912349"),  # an in-store code prints as EAN-13
        # Books and serials print as their EAN-13 with the add-on.
        ("978-7-111-21382-6 52499", Symbology.EAN13, "9787111213826+52499"),
        ("7111213823", Symbology.EAN13, "9787111213826"),
        ("9771671216014 05", Symbology.EAN13, "9771671216014+05"),
        ("ISSN 1671-2161", Symbology.EAN13, "9771671216007"),  # a bare ISSN takes variant 00
        ("16936983800010", Symbology.ITF14, "16936983800010"),  # a case's GTIN-14
        ("(01)06936983800013(10)ABC", Symbology.GS1_128, "(01)06936983800013(10)ABC"),
        ("106141411234567897", Symbology.GS1_128, "(00)106141411234567897"),  # SSCC
        ("tiaoma 条码", Symbology.CODE128, None),  # plain text: Code 128 ... if it can carry it
    ],
)
def test_chosen_from_the_data(data: str, symbology: Symbology, encoded: str | None) -> None:
    if encoded is None:
        with pytest.raises(TiaomaError):  # Code 128 carries Latin-1 only: Chinese is refused
            encode(data)
        return
    symbol = encode(data)
    assert symbol.symbology is symbology
    assert symbol.data == encoded


def test_text_and_mistyped_codes() -> None:
    assert encode("HELLO-123").symbology is Symbology.CODE128
    with pytest.raises(TiaomaError, match="expected 3, got 0"):
        encode("6936983800010")  # a wrong check digit is never drawn as plain text


# "main+addon" (issue 24, item 5): tiaoma render "6901234567892+12345" drew a Code 128 of the text.
@pytest.mark.parametrize(
    ("data", "symbology", "zint_symbology"),
    [
        ("6901234567892+12345", Symbology.EAN13, zint.Symbology.EANX),
        ("6901234567892+12", Symbology.EAN13, zint.Symbology.EANX),
        ("012345678905+12", Symbology.UPCA, zint.Symbology.UPCA),
        ("01234565+12", Symbology.UPCE, zint.Symbology.UPCE),
        ("01234565+12345", Symbology.UPCE, zint.Symbology.UPCE),
        ("9787111213826+52499", Symbology.EAN13, zint.Symbology.EANX),  # ISBN, price add-on
        ("9790230671187+12", Symbology.EAN13, zint.Symbology.EANX),  # ISMN
        ("2112345912349+12", Symbology.EAN13, zint.Symbology.EANX),  # in-store code
    ],
)
def test_addons_for_every_ean_upc(
    data: str, symbology: Symbology, zint_symbology: zint.Symbology
) -> None:
    symbol = encode(data)
    assert (symbol.symbology, symbol.data, symbol.symbology_identifier) == (symbology, data, "]E3")
    assert symbol.rows[0].modules == zint_modules(zint_symbology, data)[0]
    assert encode(data, symbology).rows == symbol.rows  # the same when the symbology is given


@pytest.mark.parametrize(
    ("data", "symbology", "message"),
    [
        ("6901234567892+123", None, r"Invalid add-on '123' .*expected 2 or 5 digits"),
        ("6901234567892+1A", None, r"Invalid add-on '1A'"),
        ("6901234567892+", None, r"Invalid add-on ''"),
        ("69012341+12", None, "not EAN-8"),  # GS1: no add-on on an EAN-8
        ("69012341+12", Symbology.EAN8, "not EAN-8"),
        ("16901234567899+12", None, "not ITF-14"),
        ("106141411234567897+12", None, "not an SSCC"),
        ("(01)06901234567892+12", None, "not GS1 element strings"),
        ("9771671216014 05+12", None, "not a second add-on"),
        ("6901234567890+12", None, "expected 2, got 0"),  # a mistyped main: its own error
    ],
)
def test_what_takes_no_addon_is_refused(
    data: str, symbology: Symbology | None, message: str
) -> None:
    with pytest.raises(TiaomaError, match=message) as caught:
        encode(data, symbology)
    assert caught.value.message_zh


def test_a_plus_in_text_stays_text() -> None:
    # Text that is no code keeps its '+' (Code 128 carries it); so does an explicit Code 128.
    assert encode("A+B").symbology is Symbology.CODE128
    assert encode("6901234567892+12", Symbology.CODE128).data == "6901234567892+12"


def test_explicit_symbology() -> None:
    assert encode("6936983800013", Symbology.EAN13).width == 95
    assert encode("12", Symbology.EAN2).symbology is Symbology.EAN2


def test_every_listed_encoder_exists() -> None:
    for symbology in ENCODERS:
        assert callable(encoder_for(symbology))


def test_every_symbology_has_an_encoder() -> None:
    assert set(ENCODERS) == set(Symbology)


def test_symbology_without_encoder_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(ENCODERS, Symbology.PDF417)
    with pytest.raises(InvalidComponent, match="No encoder for PDF417"):
        encoder_for(Symbology.PDF417)


@pytest.mark.parametrize(
    ("data", "symbology", "text", "identifier"),
    [
        # A URL is a QR Code; a GS1 Digital Link URL stays plain QR (]Q1), as GS1 specifies.
        (
            "https://id.gs1.org/01/06936983800013/10/ABC?17=261231",
            None,
            "https://id.gs1.org/01/06936983800013/10/ABC?17=261231",
            "]Q1",
        ),
        (
            "(01)06936983800013(17)261231(10)ABC",
            Symbology.GS1_QR,
            "(01)06936983800013(17)261231(10)ABC",
            "]Q3",
        ),
        ("(01)06936983800013(10)ABC", Symbology.GS1_DATAMATRIX, "(01)06936983800013(10)ABC", "]d2"),
        ("条码 tiaoma", Symbology.QR, "条码 tiaoma", "]Q1"),
        ("hello PDF417", Symbology.PDF417, "hello PDF417", "]L2"),
    ],
)
def test_matrix_symbols_render_and_decode(data: str, symbology: Symbology | None, text: str,
                                          identifier: str) -> None:  # fmt: skip
    # Our own renderer's PNG of every matrix symbology, read back by zxing-cpp.
    import io

    import zxingcpp
    from PIL import Image

    from tiaoma.render import geometry_for, layout
    from tiaoma.render.png import to_png

    symbol = encode(data, symbology)
    assert symbol.is_matrix
    png = to_png(layout(symbol, geometry_for(symbol)), dpi=300)
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"), try_downscale=False)
    assert [(r.text, r.symbology_identifier) for r in found] == [(text, identifier)]


@pytest.mark.parametrize(
    ("symbology", "data", "text"),
    [
        (Symbology.DATABAR_OMNI, "24012345678905", "(01)24012345678905"),
        (Symbology.DATABAR_TRUNCATED, "24012345678905", "(01)24012345678905"),
        (Symbology.DATABAR_STACKED, "24012345678905", "(01)24012345678905"),
        (Symbology.DATABAR_STACKED_OMNI, "24012345678905", "(01)24012345678905"),
        (Symbology.DATABAR_LIMITED, "15012345678907", "(01)15012345678907"),
        # Seed 002: a variable-measure GTIN with net weight 1.5 lb.
        (
            Symbology.DATABAR_EXPANDED,
            "(01)96901234567895(3202)000150",
            "(01)96901234567895(3202)000150",
        ),
        (
            Symbology.DATABAR_EXPANDED_STACKED,
            "(01)96901234567895(3202)000150(10)ABC123",
            "(01)96901234567895(3202)000150(10)ABC123",
        ),
    ],
)
def test_databar_renders_and_decodes(symbology: Symbology, data: str, text: str) -> None:
    import io

    import zxingcpp
    from PIL import Image

    from tiaoma.render import geometry_for, layout
    from tiaoma.render.png import to_png

    symbol = encode(data, symbology)
    for dpi in (300, 600):
        png = to_png(layout(symbol, geometry_for(symbol)), dpi=dpi)
        image = Image.open(io.BytesIO(png)).convert("L")
        found = zxingcpp.read_barcodes(image, try_downscale=False)
        assert [(r.text, r.symbology_identifier) for r in found] == [(text, "]e0")]


@pytest.mark.parametrize(
    ("data", "symbology", "linear"),
    [
        ("9012345678906|(99)1234-abcd", None, Symbology.EAN13),
        ("9012345678906+12345|(99)1234-abcd", None, Symbology.EAN13),
        ("(01)09521234543213|(10)ABC123", None, Symbology.GS1_128),
        ("(01)09521234543213|(10)ABC123", Symbology.DATABAR_OMNI, Symbology.DATABAR_OMNI),
        ("(01)00012345678905|(17)271231", Symbology.DATABAR_LIMITED, Symbology.DATABAR_LIMITED),
    ],
)
def test_linear_bar_2d_is_a_gs1_composite(
    data: str, symbology: Symbology | None, linear: Symbology
) -> None:
    from tiaoma.symbols import composite

    drawn = encode(data, symbology)
    assert drawn.symbology is linear
    assert len(drawn.rows) > 1  # the 2D component above the linear one
    kinds = {Symbology.DATABAR_OMNI: "databar-omni", Symbology.DATABAR_LIMITED: "databar-limited"}
    kind = None if symbology is None else kinds[symbology]
    assert drawn == composite.encode(data, linear_kind=kind)


def test_a_bar_in_text_stays_text() -> None:
    assert encode("A|B").symbology is Symbology.CODE128
    assert encode("6901234567892|not gs1").symbology is Symbology.CODE128
    assert encode("6901234567892|(10)ABC", Symbology.QR).symbology is Symbology.QR  # its text

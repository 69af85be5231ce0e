"""Random GS1 Composite cases for the oracle tests: valid linear data and 2D data built from
the AI dictionary's rules, in the forms tiaoma, Zint and BWIPP take."""

from __future__ import annotations

import random
import string
from functools import cache
from typing import NamedTuple

import zint

from tiaoma import ai, gtin, upc
from tiaoma.symbols.composite import composite

#: GS1's character set 82 without the brackets (BWIPP and Zint read them as AI delimiters).
CSET82 = string.digits + string.ascii_uppercase + string.ascii_lowercase + "!\"%&'*+,-./:;<=>?_"
DIGITS, CAPITALS = string.digits, string.ascii_uppercase
CASES_PER_FAMILY = 500

#: tiaoma's linear kind: Zint's symbology and BWIPP's encoder.
ORACLES = {
    "ean13": (zint.Symbology.EANX_CC, "ean13composite"),
    "ean8": (zint.Symbology.EANX_CC, "ean8composite"),
    "upca": (zint.Symbology.UPCA_CC, "upcacomposite"),
    "upce": (zint.Symbology.UPCE_CC, "upcecomposite"),
    "gs1-128": (zint.Symbology.GS1_128_CC, "gs1-128composite"),
    "databar-omni": (zint.Symbology.DBAR_OMN_CC, "databaromnicomposite"),
    "databar-truncated": (zint.Symbology.DBAR_OMN_CC, "databartruncatedcomposite"),
    "databar-stacked": (zint.Symbology.DBAR_STK_CC, "databarstackedcomposite"),
    "databar-stacked-omni": (zint.Symbology.DBAR_OMNSTK_CC, "databarstackedomnicomposite"),
    "databar-limited": (zint.Symbology.DBAR_LTD_CC, "databarlimitedcomposite"),
    "databar-expanded": (zint.Symbology.DBAR_EXP_CC, "databarexpandedcomposite"),
    "databar-expanded-stacked": (
        zint.Symbology.DBAR_EXPSTK_CC,
        "databarexpandedstackedcomposite",
    ),
}
#: Every family: a linear kind with CC-A or CC-B, and GS1-128 with CC-C.
FAMILIES = [(kind, c) for kind in ORACLES for c in ("A", "B")] + [("gs1-128", "C")]


class Case(NamedTuple):
    primary: str  # as tiaoma takes it
    zint_primary: str
    bwipp_primary: str
    data: str  # the 2D component's element strings, bracketed
    rows: list[str]  # tiaoma's modules

    @property
    def zint_data(self) -> str:
        return self.data.replace("(", "[").replace(")", "]")


def _text(rng: random.Random, low: int, high: int, alphabet: str = CSET82) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def _date(rng: random.Random) -> str:
    return f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def _ai90(rng: random.Random) -> str:
    """AI (90): often in the form that ISO/IEC 24723 5.3.2 compresses (digits, a capital)."""
    if rng.random() < 0.5:
        head = str(rng.randint(1, 999)) if rng.random() < 0.7 else ""
        tail = rng.choice([CAPITALS, DIGITS, DIGITS + CAPITALS, CSET82])
        return head + rng.choice(CAPITALS) + _text(rng, 0, 12, tail)
    return _text(rng, 1, 20)


def _lot(rng: random.Random) -> str:
    return _text(rng, 1, 20, rng.choice([CSET82, DIGITS, CAPITALS + DIGITS]))


_MAKERS = {
    "10": _lot,
    "11": _date,
    "13": _date,
    "15": _date,
    "17": _date,
    "21": _lot,
    "22": lambda rng: _text(rng, 1, 20),
    "30": lambda rng: _text(rng, 1, 8, DIGITS),
    "90": _ai90,
    "91": lambda rng: _text(rng, 1, 20),
    "99": lambda rng: _text(rng, 1, 30),
    "240": lambda rng: _text(rng, 1, 30),
    "400": lambda rng: _text(rng, 1, 30),
    "3103": lambda rng: _text(rng, 6, 6, DIGITS),
    "3922": lambda rng: _text(rng, 1, 15, DIGITS),
}
#: The openings the encodation methods compress (10, 11/17, 90) and general ones.
_FIRST = ("10", "11", "17", "90", "99", "21", "3103")


def cc_data(rng: random.Random, most: int) -> str:
    """Up to ``most`` distinct element strings the AI dictionary accepts (pairings aside:
    the linear component brings the GTIN)."""
    while True:
        names = [rng.choice(_FIRST)] + [rng.choice(list(_MAKERS)) for _ in range(most - 1)]
        names = list(dict.fromkeys(names))[: rng.randint(1, most)]
        data = "".join(f"({name}){_MAKERS[name](rng)}" for name in names)
        try:
            ai.parse(data, ai.Options(check_pairings=False))
        except ValueError:
            continue
        return data


def _gtin(rng: random.Random, length: int, first: str = "") -> str:
    body = first + "".join(rng.choice(DIGITS) for _ in range(length - 1 - len(first)))
    return body + gtin.calc_check_digit(body)


def _upce(rng: random.Random) -> str:
    while True:
        body = rng.choice("01") + "".join(rng.choice(DIGITS) for _ in range(6))
        number = body + upc.calc_check_digit(body)
        try:
            if upc.to_upc_e(upc.to_upc_a(number)) == number:  # the canonical spelling
                return number
        except ValueError:
            continue


def primary(rng: random.Random, kind: str) -> tuple[str, str, str]:
    """The linear data for tiaoma, Zint and BWIPP."""
    if kind in {"ean13", "ean8", "upca"}:
        number = _gtin(rng, {"ean13": 13, "ean8": 8, "upca": 12}[kind])
        return number, number[:-1], number
    if kind == "upce":
        number = _upce(rng)
        return number, number[:-1], number
    number = _gtin(rng, 14, rng.choice("01") if kind == "databar-limited" else "")
    if kind in {"gs1-128", "databar-expanded", "databar-expanded-stacked"}:
        extra = rng.choice(
            ["", f"(3103){rng.randint(0, 99999):06d}", f"(10){_text(rng, 1, 10, CAPITALS)}",
             f"(21){_text(rng, 1, 12)}", f"(17){_date(rng)}"]
        )  # fmt: skip
        data = f"(01){number}{extra}"
        return data, data.replace("(", "[").replace(")", "]"), data
    return f"(01){number}", number, f"(01){number}"


@cache
def cases(kind: str, component: str, count: int = CASES_PER_FAMILY) -> list[Case]:
    """``count`` random cases of one family, tiaoma's symbol drawn (the same every run)."""
    rng = random.Random(f"{kind}/{component}")
    found: list[Case] = []
    most = {"A": 2, "B": 4, "C": 8}[component]
    while len(found) < count:
        linear = primary(rng, kind)
        data = cc_data(rng, most)
        try:
            symbol = composite(kind, linear[0], data, component=component)
        except ValueError:  # too long for the component: draw again
            continue
        found.append(Case(*linear, data, [row.modules for row in symbol.rows]))
    return found

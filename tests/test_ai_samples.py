"""Every AI of the GS1 Barcode Syntax Dictionary, with generated valid and invalid values,
judged by us and by Zint's own GS1 validation (an oracle we did not write).

The samples are generated from our table (``src/tiaoma/data/gs1_ai.tsv``), so a new AI in the
dictionary gets tested without anyone writing a row for it. Other test modules import
:func:`valid_value` from here.
"""

from __future__ import annotations

import pytest
import zint

from tiaoma import _ai_lint, ai, checksum, errors

# A valid piece for each linter, by the length the component allows: the facts each linter
# checks (GS1 General Specifications, and the GS1 Barcode Syntax Tests' own test vectors).
_LINTER_SAMPLES: dict[str, str] = {
    "yymmd0": "261200",  # day 00 is allowed: "end of the month"
    "yymmdd": "261231",
    "yyyymmdd": "20261231",
    "hhmi": "2359",
    "hh": "23",
    "mi": "59",
    "ss": "59",
    "iso3166": "156",  # China
    "iso3166999": "999",  # "unknown country", allowed only by iso3166999
    "iso3166alpha2": "CN",
    "iso4217": "156",  # yuan
    "iso5218": "9",
    "pcenc": "A%20B",
    "hyphen": "-",
    "yesno": "1",
    "zero": "0",
    "winding": "9",
    "posinseqslash": "2/3",
    "packagetype": "BX",
    "mediatype": "80",
    "latitude": "1800000000",
    "longitude": "3600000000",
    "importeridx": "_",
    "iban": "DE91100000000123456789",
    "couponcode": "012345612345611110123",
    "couponposoffer": "001234561234560123456",
}
_FILLER = {"N": "6901234567890123456789", "X": "AB12-/cd", "Y": "AB12#-/", "Z": "Ab1-_9"}


def _filler(kind: str, length: int) -> str:
    text = _FILLER[kind] * (length // len(_FILLER[kind]) + 1)
    return text[:length]


def _sample_length(component: ai.Component) -> int:
    return component.max_length if component.fixed else min(component.max_length, 12)


def _listed_sample(component: ai.Component) -> str | None:
    for linter in component.linters:
        sample = _LINTER_SAMPLES.get(linter)
        if sample is not None and component.min_length <= len(sample) <= component.max_length:
            return sample
    return None


def valid_piece(component: ai.Component) -> str:
    """A value for one component that passes its character set, length and linters."""
    listed = _listed_sample(component)
    if listed is not None:
        return listed
    linters = set(component.linters)
    length = _sample_length(component)
    if "csum" in linters:
        body = _filler("N", length - 1)
        return body + checksum.calc_check_digit(body)
    if "csumalpha" in linters:
        body = "9521234ABCDEFabcdef"[: length - 2]
        return body + _ai_lint.check_character_pair(body)
    if "pieceoftotal" in linters:
        return "0" * (length // 2 - 1) + "1" + "0" * (length // 2 - 1) + "2"
    if linters & {"nonzero", "nozeroprefix"}:
        return "1" + _filler("N", length - 1)
    # a company prefix's digits first, then the component's own characters (a MUDI also
    # needs a non-digit: the filler of X has letters)
    return (_filler("N", 5) + _filler(component.kind, length))[:length]


def valid_value(definition: ai.AIDefinition) -> str:
    """A valid value for the AI: every mandatory component, and optional ones too."""
    return "".join(valid_piece(component) for component in definition.components)


def _bad_character(kind: str) -> str:
    # Outside the component's character set but still printable ASCII, so that the failure
    # is the character set's, not the input reader's.
    return {"N": "A", "X": "#", "Y": "a", "Z": "!"}[kind]


def invalid_values(definition: ai.AIDefinition) -> list[tuple[str, str]]:
    """(why, value) pairs that break exactly one rule each."""
    good = valid_value(definition)
    first = definition.components[0]
    samples = [
        ("one character too long", good + _filler(definition.components[-1].kind, 1)
         if len(good) == definition.max_length else good[: -1] + _filler("N", 1) * 200),
        ("bad character", _bad_character(first.kind) + good[1:]),
    ]  # fmt: skip
    if definition.min_length > 1:
        samples.append(("one character short", good[: definition.min_length - 1]))
    if "csum" in first.linters:
        wrong = str((int(good[len(first_piece(definition)) - 1]) + 1) % 10)
        end = first.max_length
        samples.append(("wrong check digit", good[: end - 1] + wrong + good[end:]))
    if {"yymmdd", "yymmd0"} & set(first.linters):
        samples.append(("month 13", good[:2] + "13" + good[4:]))
        samples.append(("30 February", good[:2] + "0230" + good[6:]))
    return samples


def first_piece(definition: ai.AIDefinition) -> str:
    return valid_piece(definition.components[0])


ALL = sorted(ai.definitions())


def zint_accepts(element_string: str) -> bool:
    """Zint's verdict on ``[ai]value…`` data in GS1 mode, warnings made errors."""
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.DATAMATRIX
    symbol.input_mode = zint.InputMode.GS1
    symbol.warn_level = zint.WarningLevel.FAIL_ALL
    try:
        symbol.encode(element_string)
    except RuntimeError:
        return False
    return True


NO_PAIRINGS = ai.Options(check_pairings=False)

# Where Zint (zint-bindings 1.2.2) and the dictionary we follow legitimately differ: Zint
# bundles an older syntax dictionary and older linters. Each entry: (AI, why).
_UNKNOWN_TO_ZINT = "added to the dictionary after Zint's copy: Zint says 'Error 260: Invalid AI'"
ZINT_DIFFERS: dict[str, str] = {
    "717": _UNKNOWN_TO_ZINT,  # NHRN SRN
    "8040": _UNKNOWN_TO_ZINT,  # IMEI
    "8041": _UNKNOWN_TO_ZINT,  # IMEI2
    "8042": _UNKNOWN_TO_ZINT,  # ESIM
    "8043": _UNKNOWN_TO_ZINT,  # PSIM
}


def test_every_ai_has_samples() -> None:
    # ranges are expanded: 3100-3105 gives six AIs; 541 AIs in the dictionary we ship
    assert len(ALL) == 541
    assert {"3100", "3105", "91", "99", "8030", "7041", "4330"} <= set(ALL)


@pytest.mark.parametrize("code", ALL)
def test_generated_valid_sample(code: str) -> None:
    # every AI: a generated value passes us and Zint
    definition = ai.lookup(code)
    value = valid_value(definition)
    message = ai.parse(f"({code}){value}", NO_PAIRINGS)
    assert message.elements[0].value == value
    assert message.bracketed() == f"({code}){ai._escape(value)}"
    if code not in ZINT_DIFFERS:
        assert zint_accepts(f"[{code}]{value}"), f"Zint refuses ({code}){value}"


@pytest.mark.parametrize("code", ALL)
def test_generated_invalid_samples(code: str) -> None:
    # every AI: values breaking one rule each are refused by us and by Zint
    definition = ai.lookup(code)
    for why, value in invalid_values(definition):
        with pytest.raises(errors.TiaomaError) as caught:
            ai.parse(f"({code}){value}", NO_PAIRINGS)
        assert caught.value.code.startswith("ai_"), why
        if code not in ZINT_DIFFERS:
            assert not zint_accepts(f"[{code}]{value}"), f"Zint accepts ({code}){value}: {why}"


@pytest.mark.parametrize("code", ALL)
def test_generated_raw_round_trip(code: str) -> None:
    # every AI: bracketed -> FNC1 form -> parse gives the same element, with one more after it
    value = valid_value(ai.lookup(code))
    follower = "(01)06901234567892" if code != "01" else "(00)069012340000000016"
    message = ai.parse(f"({code}){value}{follower}", NO_PAIRINGS)
    again = ai.parse(message.fnc1(), NO_PAIRINGS)
    assert again.bracketed() == message.bracketed()
    assert ai.parse(message.caret(), NO_PAIRINGS) == again


@pytest.mark.parametrize("code", sorted(ZINT_DIFFERS))
def test_zint_differences_are_still_real(code: str) -> None:
    # if Zint learns these AIs, the exception list must shrink
    assert not zint_accepts(f"[{code}]{valid_value(ai.lookup(code))}")

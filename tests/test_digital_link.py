"""tiaoma.digital_link: element strings to GS1 Digital Link URIs and back."""

from __future__ import annotations

import pytest
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_ai_samples import valid_value
from tiaoma import ai, digital_link, errors
from tiaoma.errors import InvalidComponent, InvalidFormat, InvalidLength

NO_PAIRINGS = ai.Options(check_pairings=False)
LOOSE = digital_link.DigitalLinkOptions(ai_options=NO_PAIRINGS)
SSCC = "069012340000000016"


@pytest.mark.parametrize(
    ("element_string", "uri"),
    [
        # key, qualifier in the path; data attribute in the query (the brief's example)
        ("(01)06901234567892(10)ABC(17)261231",
         "https://id.gs1.org/01/06901234567892/10/ABC?17=261231"),
        # qualifiers in dictionary order 22, 10, 21 whatever the input order
        ("(01)06901234567892(22)V1(10)L1(21)S1",
         "https://id.gs1.org/01/06901234567892/22/V1/10/L1/21/S1"),
        # the second qualifier sequence of (01): (235) alone
        ("(01)06901234567892(235)TPX1", "https://id.gs1.org/01/06901234567892/235/TPX1"),
        # a key without qualifiers (SSCC) and another key as a data attribute
        (f"(00){SSCC}(02)06901234567892(37)12",
         f"https://id.gs1.org/00/{SSCC}?02=06901234567892&37=12"),
        # GLN with its extension, whose "/" must be escaped
        ("(414)6901234000009(254)A/1", "https://id.gs1.org/414/6901234000009/254/A%2F1"),
        # CSET 82 characters that mean something in a URI are percent-encoded
        ("(01)06901234567892(10)A&B?C%25",
         "https://id.gs1.org/01/06901234567892/10/A%26B%3FC%2525"),
        # seed 002: weight in pounds as a data attribute
        ("(01)96901234567895(3202)000150",
         "https://id.gs1.org/01/96901234567895?3202=000150"),
    ],
)  # fmt: skip
def test_round_trip(element_string: str, uri: str) -> None:
    assert digital_link.to_uri(element_string) == uri
    assert digital_link.to_element_string(uri) == ai.validate(element_string)
    assert digital_link.validate(uri) == uri  # canonical URIs are fixed points
    # an oracle we did not write reads our URI the same way
    theirs = GS1DigitalLinkURI.parse(uri).as_gs1_message()
    assert sorted((e.ai.ai, e.value) for e in theirs.element_strings) == sorted(
        (e.ai, e.value) for e in ai.parse(element_string)
    )


@pytest.mark.parametrize(
    ("uri", "element_string"),
    [
        # GTIN-13 in the path becomes GTIN-14 (DL URI Syntax: GTIN-8/12/13/14 allowed)
        ("https://id.gs1.org/01/6901234567892", "(01)06901234567892"),
        ("https://id.gs1.org/01/614141000005", "(01)00614141000005"),  # GTIN-12
        ("https://id.gs1.org/01/69012341", "(01)00000069012341"),  # GTIN-8
        # a resolver with a path prefix, upper-case scheme, other parameters ignored
        ("HTTPS://example.com/a/b/01/06901234567892/10/X?utm_source=wx&17=261231#top",
         "(01)06901234567892(10)X(17)261231"),
        # a parameter without "=" and an empty one are not GS1 data either
        ("https://id.gs1.org/01/06901234567892?linkType&&17=261231",
         "(01)06901234567892(17)261231"),
        # qualifiers may be left out, keeping the order of the rest
        ("https://id.gs1.org/01/06901234567892/21/S1", "(01)06901234567892(21)S1"),
        # a prefix that looks like an AI before the key is the resolver's path
        ("https://id.gs1.org/10/x/01/06901234567892", "(01)06901234567892"),
    ],
)  # fmt: skip
def test_uri_to_element_string(uri: str, element_string: str) -> None:
    assert digital_link.to_element_string(uri) == element_string


# Cases of GS1's Barcode Syntax Engine (its DL parser tests), issue 24 item 5: a qualifier of the
# primary key belongs in the path; a GTIN-13 is read as GTIN-14 in the query as in the path.
@pytest.mark.parametrize(
    ("uri", "element_string"),
    [
        # 235 closes the (22)/(10)/(21) sequence, so (10) may be a data attribute
        ("https://id.gs1.org/01/09520123456788/235/XYZ?10=ABC123",
         "(01)09520123456788(235)XYZ(10)ABC123"),
        # (10) is no qualifier of an SSCC
        ("https://id.gs1.org/00/952012345678912345?02=09520123456788&37=25&10=ABC123",
         "(00)952012345678912345(02)09520123456788(37)25(10)ABC123"),
        # a GTIN-13 in the query, under another key, padded as in the path
        ("https://example.com/8004/9520614141234567?01=9520123456788",
         "(8004)9520614141234567(01)09520123456788"),
        ("https://id.gs1.org/00/952012345678912345?02=9520123456788&37=25",
         "(00)952012345678912345(02)09520123456788(37)25"),
        ("https://id.gs1.org/01/9520123456788?17=201225", "(01)09520123456788(17)201225"),
    ],
)  # fmt: skip
def test_reference_engine_cases(uri: str, element_string: str) -> None:
    link = digital_link.parse(uri)
    assert link.element_string() == element_string
    assert "=95201" not in link.uri()  # written back in 14 digits


@pytest.mark.parametrize(
    "uri",
    [
        "https://example.com/01/09520123456788?10=ABC123",  # the engine's own case
        "https://id.gs1.org/01/09520123456788/21/S1?10=L1",  # (10) goes between key and (21)
        "https://id.gs1.org/8006/095201234567880102/21/S1?10=L1",  # ITIP takes (10) too
    ],
)
def test_a_key_qualifier_in_the_query_is_refused(uri: str) -> None:
    # (10) is the only key qualifier that may also be a data attribute (Syntax Dictionary):
    # the others are refused as no data attribute at all (dl_attribute, above).
    with pytest.raises(InvalidComponent, match="belongs in the path") as caught:
        digital_link.parse(uri)
    assert caught.value.code == "dl_qualifier_in_query"
    assert "应放在" in caught.value.message_zh


def test_parts_are_kept() -> None:
    link = digital_link.parse(
        "https://example.com/a/01/06901234567892/10/X?utm=wx&17=261231&flag#top"
    )
    assert link.resolver == "https://example.com/a"
    assert (link.primary_key.ai, [q.ai for q in link.qualifiers]) == ("01", ["10"])
    assert [a.ai for a in link.attributes] == ["17"]
    assert link.other_params == (("utm", "wx"), ("flag", None))
    assert link.fragment == "top"
    assert link.message.form is ai.InputForm.DIGITAL_LINK
    # AI attributes first, then the other parameters, in their order
    assert str(link) == ("https://example.com/a/01/06901234567892/10/X?17=261231&utm=wx&flag#top")


def test_resolver_is_configurable() -> None:
    options = digital_link.DigitalLinkOptions(resolver="https://dl.ancc.org.cn/r/")
    assert digital_link.to_uri("(01)06901234567892", options) == (
        "https://dl.ancc.org.cn/r/01/06901234567892"
    )


@pytest.mark.parametrize(
    ("uri", "error", "code"),
    [
        ("", InvalidFormat, "empty"),
        ("https://" + "a" * 20_000, InvalidLength, "ai_too_long"),
        ("ftp://id.gs1.org/01/06901234567892", InvalidFormat, "dl_syntax"),  # not http(s)
        ("https://id.gs1.org/01/06901234567892/10/A B", InvalidFormat, "dl_syntax"),
        ("https://id.gs1.org/gtin/06901234567892", InvalidFormat, "dl_no_key"),  # no AI
        ("https://id.gs1.org/10/ABC", InvalidFormat, "dl_no_key"),  # a qualifier is no key
        ("https://id.gs1.org/01/06901234567892/", InvalidFormat, "dl_no_key"),  # odd path
        # qualifiers out of order, or from two sequences, or not the key's at all
        ("https://id.gs1.org/01/06901234567892/21/S/10/L", InvalidComponent, "dl_qualifier"),
        ("https://id.gs1.org/01/06901234567892/22/V/235/T", InvalidComponent, "dl_qualifier"),
        ("https://id.gs1.org/00/" + SSCC + "/10/L", InvalidComponent, "dl_qualifier"),
        # (21) is a qualifier, never a data attribute
        ("https://id.gs1.org/01/06901234567892?21=S1", InvalidComponent, "dl_attribute"),
        # a numeric parameter must be an AI
        ("https://id.gs1.org/01/06901234567892?23=1", InvalidComponent, "ai_unknown"),
        ("https://id.gs1.org/01/06901234567892/10/%G1", InvalidFormat, "dl_percent"),
        # the AI data is validated like any element string
        ("https://id.gs1.org/01/06901234567890", errors.InvalidChecksum, "ai_check_digit"),
        ("https://id.gs1.org/01/06901234567892?17=261399", InvalidComponent, "ai_month"),
        # the same AI twice with two values
        ("https://id.gs1.org/01/06901234567892?01=06901234567892&17=261231&17=261230",
         InvalidComponent, "ai_duplicate"),
    ],
)  # fmt: skip
def test_uri_errors(uri: str, error: type[errors.TiaomaError], code: str) -> None:
    with pytest.raises(error) as caught:
        digital_link.parse(uri)
    assert caught.value.code == code
    assert not digital_link.is_valid(uri)


@pytest.mark.parametrize(
    ("element_string", "error", "code"),
    [
        ("(17)261231", InvalidComponent, "dl_no_primary_key"),  # nothing to put in the path
        # (22) with an SSCC: neither a qualifier of (00) nor a data attribute
        (f"(00){SSCC}(22)V1", InvalidComponent, "dl_not_representable"),
        ("(01)06901234567892(235)T(22)V", InvalidComponent, "dl_not_representable"),
    ],
)
def test_element_string_errors(
    element_string: str, error: type[errors.TiaomaError], code: str
) -> None:
    with pytest.raises(error) as caught:
        digital_link.to_uri(element_string, LOOSE)
    assert caught.value.code == code


@pytest.mark.parametrize("resolver", ["id.gs1.org", "https://id.gs1.org?x=1", "mailto:x"])
def test_bad_resolver(resolver: str) -> None:
    options = digital_link.DigitalLinkOptions(resolver=resolver)
    with pytest.raises(InvalidFormat) as caught:
        digital_link.to_uri("(01)06901234567892", options)
    assert caught.value.code == "dl_resolver"


def test_interface() -> None:
    uri = "https://id.gs1.org/01/06901234567892"
    assert digital_link.compact(f"  {uri} ") == uri
    assert digital_link.format("(01)06901234567892") == uri
    assert digital_link.format("https://id.gs1.org/01/6901234567892") == uri
    assert digital_link.is_valid(uri)
    assert ai.parse(uri).bracketed() == "(01)06901234567892"  # ai.parse reads URIs too


def test_identical_repeat_is_written_once() -> None:
    text = "(01)06901234567892(10)L(10)L(17)261231(17)261231"
    assert digital_link.to_uri(text) == "https://id.gs1.org/01/06901234567892/10/L?17=261231"


KEYS = sorted(code for code, d in ai.definitions().items() if d.dl_primary_key)


@pytest.mark.parametrize("key", KEYS)
def test_every_primary_key_with_its_longest_qualifier_sequence(key: str) -> None:
    # generated from the dictionary: each key with every qualifier of each of its sequences
    definition = ai.lookup(key)
    for sequence in definition.dl_qualifiers or ((),):
        pairs = [(key, valid_value(definition))]
        pairs += [(q, valid_value(ai.lookup(q))) for q in sequence]
        text = "".join(f"({code}){ai._escape(value)}" for code, value in pairs)
        link = digital_link.from_element_string(text, LOOSE)
        assert [q.ai for q in link.qualifiers] == list(sequence)
        back = digital_link.parse(link.uri(), LOOSE)
        assert back.message.bracketed() == ai.validate(text, NO_PAIRINGS)
        assert back.uri() == link.uri()


ATTRIBUTES = sorted(code for code, d in ai.definitions().items() if d.dl_data_attribute)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([a for a in ATTRIBUTES if a != "01"]), max_size=4, unique=True))
def test_any_attributes_round_trip(attributes: list[str]) -> None:
    text = "(01)06901234567892" + "".join(
        f"({code}){ai._escape(valid_value(ai.lookup(code)))}" for code in attributes
    )
    try:
        link = digital_link.from_element_string(text, LOOSE)
    except errors.TiaomaError as error:
        # an attribute that is another key's qualifier-only AI, or a repeat: refused cleanly
        code = error.code
    else:
        code = ""
    assert code in {"", "ai_duplicate", "dl_not_representable"}
    if code:
        return
    again = digital_link.parse(link.uri(), LOOSE)
    assert again.uri() == link.uri()
    assert again.message == link.message


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="htps:/.ido0123456789?&=%#AB", max_size=60))
def test_any_text_is_accepted_or_refused_cleanly(text: str) -> None:
    try:
        digital_link.parse(text)
    except errors.TiaomaError as error:
        code = error.code
    else:
        code = "valid"
    assert code in {"valid", *errors.registered_codes()}


def test_a_user_part_before_the_host_is_refused_with_the_host_it_opens() -> None:
    """https://id.gs1.org@evil.example/... looks like GS1's resolver and opens evil.example."""
    with pytest.raises(InvalidFormat) as refused:
        digital_link.parse("https://id.gs1.org@evil.example/01/06901234567892")
    assert refused.value.code == "dl_user_part"
    assert "it opens 'evil.example'" in str(refused.value)
    assert "实际打开的是“evil.example”" in refused.value.message_zh
    assert not digital_link.is_valid("http://a:b@example.com/01/06901234567892")
    assert digital_link.is_valid("https://example.com/a@b/01/06901234567892")  # a path's @

"""GS1 Digital Link URIs: element strings as web addresses, and back.

A GS1 Digital Link URI (GS1 Digital Link URI Syntax, release 1.4) carries a primary key and
its qualifiers in the path, ``https://id.gs1.org/01/06901234567892/10/ABC``, and data
attributes in the query, ``?17=261231``. Which AIs are primary keys, which qualifiers each
key takes and in what order (``dlpkey``), and which AIs may be data attributes (flag ``?``)
come from the GS1 Barcode Syntax Dictionary, through :mod:`tiaoma.ai`.

>>> to_uri("(01)06901234567892(17)261231(10)ABC")
'https://id.gs1.org/01/06901234567892/10/ABC?17=261231'
>>> to_element_string("https://example.com/products/01/6901234567892?3103=000450&utm=x")
'(01)06901234567892(3103)000450'
>>> link = parse("https://id.gs1.org/414/6901234000009/254/A%2F1")
>>> link.primary_key.ai, link.qualifiers[0].value
('414', 'A/1')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from tiaoma import _text, ai
from tiaoma.errors import (
    EMPTY,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    define,
    passes,
)

__all__ = [
    "DEFAULT_RESOLVER",
    "DigitalLink",
    "DigitalLinkOptions",
    "compact",
    "format",
    "from_element_string",
    "is_valid",
    "parse",
    "to_element_string",
    "to_uri",
    "validate",
]

#: GS1's own resolver, the canonical host of GS1 Digital Link URIs.
DEFAULT_RESOLVER = "https://id.gs1.org"

DL_USER_PART = define(
    "dl_user_part",
    "GS1 Digital Link URI {value!r} has a user part {user!r} before its host: it opens {host!r}; "
    "a GS1 Digital Link URI names its host alone",
    "GS1 数字链接 URI“{value}”在主机名前带有用户名部分“{user}”：实际打开的是“{host}”；"
    "GS1 数字链接 URI 只应写主机名",
)
DL_SYNTAX = define(
    "dl_syntax",
    "Not a GS1 Digital Link URI {value!r}: expected http:// or https://, a host, a path and "
    "an optional query, got {found!r}",
    "“{value}”不是 GS1 数字链接 URI：应为 http:// 或 https://、主机名、路径和可选的查询串，"
    "实为“{found}”",
)
DL_NO_KEY = define(
    "dl_no_key",
    "No primary key in GS1 Digital Link URI {value!r}: expected the path to end in "
    "/<key AI>/<value> and its qualifiers, such as /01/<GTIN>",
    "GS1 数字链接 URI“{value}”中没有主键：路径应以“/主键应用标识符/值”及其限定符结尾，如 "
    "/01/<GTIN>",
)
DL_QUALIFIER = define(
    "dl_qualifier",
    "AI ({ai}) is out of place after primary key ({key}) in {value!r}: expected qualifiers "
    "in the order {expected}",
    "“{value}”中主键 ({key}) 后的应用标识符 ({ai}) 位置不对：限定符应按 {expected} 的顺序出现",
)
DL_ATTRIBUTE = define(
    "dl_attribute",
    "AI ({ai}) may not be a query parameter of a GS1 Digital Link URI {value!r}: expected "
    "only data attributes in the query",
    "应用标识符 ({ai}) 不能作为 GS1 数字链接 URI“{value}”的查询参数：查询串中只能有数据属性",
)
DL_QUALIFIER_IN_QUERY = define(
    "dl_qualifier_in_query",
    "AI ({ai}) is a key qualifier of primary key ({key}) and belongs in the path of {value!r}, "
    "not in its query: expected /{key}/<value>/{ai}/<value> in the order {expected}",
    "应用标识符 ({ai}) 是主键 ({key}) 的限定符，应放在“{value}”的路径中而非查询串中：应为 "
    "/{key}/<值>/{ai}/<值>，顺序为 {expected}",
)
DL_PERCENT = define(
    "dl_percent",
    "Invalid percent-encoding at position {position} of {value!r}: expected '%' and two "
    "hexadecimal digits, got {found!r}",
    "“{value}”第 {position} 位百分号编码错误：'%' 后应为两位十六进制数，实为“{found}”",
)
DL_NO_PRIMARY_KEY = define(
    "dl_no_primary_key",
    "Element string {value!r} has no GS1 Digital Link primary key: expected one of the "
    "AIs {expected}",
    "元素串“{value}”没有 GS1 数字链接主键：应含有 {expected} 之一",
)
DL_NOT_REPRESENTABLE = define(
    "dl_not_representable",
    "AI ({ai}) cannot go into a GS1 Digital Link URI with primary key ({key}): expected a "
    "qualifier of the key ({expected}) or a data attribute",
    "应用标识符 ({ai}) 无法放入主键为 ({key}) 的 GS1 数字链接 URI："
    "应为该主键的限定符（{expected}）或数据属性",
)
DL_RESOLVER = define(
    "dl_resolver",
    "Invalid resolver {found!r}: expected http:// or https://, a host and an optional path",
    "解析器地址“{found}”无效：应为 http:// 或 https://、主机名和可选路径",
)

_URI = re.compile(r"(?i)(https?)://([^/?#\s@]+)(/[^?#\s]*)?(?:\?([^#\s]*))?(?:#(\S*))?")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: A user part before the host (RFC 3986 userinfo): the classic disguise of another host.
_USER_PART = re.compile(r"(?i)https?://([^/?#\s]*)@([^/?#\s@]*)")


@dataclass(frozen=True)
class DigitalLinkOptions:
    """Where URIs point (``resolver``, with an optional path prefix) and how AI data is read."""

    resolver: str = DEFAULT_RESOLVER
    ai_options: ai.Options = field(default_factory=ai.Options)


_DEFAULT_OPTIONS = DigitalLinkOptions()


@dataclass(frozen=True)
class DigitalLink:
    """A GS1 Digital Link URI split into its parts, all validated."""

    message: ai.Gs1Message
    primary_key: ai.ElementString
    qualifiers: tuple[ai.ElementString, ...]
    attributes: tuple[ai.ElementString, ...]
    resolver: str = DEFAULT_RESOLVER
    #: Query parameters that are not AIs (``utm_source=…``), kept aside in their order.
    other_params: tuple[tuple[str, str | None], ...] = ()
    fragment: str = ""

    def uri(self) -> str:
        """The URI: key and qualifiers in the path, data attributes then other parameters in
        the query, every value percent-encoded (RFC 3986 section 2.1)."""
        path = "".join(f"/{e.ai}/{_encode(e.value)}" for e in (self.primary_key, *self.qualifiers))
        query = [f"{e.ai}={_encode(e.value)}" for e in self.attributes]
        query += [f"{key}={value}" if value is not None else key for key, value in
                  self.other_params]  # fmt: skip
        text = self.resolver + path + ("?" + "&".join(query) if query else "")
        return text + ("#" + self.fragment if self.fragment else "")

    def element_string(self) -> str:
        """The bracketed element string: key, qualifiers, then attributes."""
        return self.message.bracketed()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: the URI, its resolver and the element string it carries."""
        return {
            "uri": self.uri(),
            "resolver": self.resolver,
            "primary_key": self.primary_key.ai,
            "other_params": [list(pair) for pair in self.other_params],
            "fragment": self.fragment,
            **self.message.as_dict(),
        }

    def __str__(self) -> str:
        return self.uri()


def _encode(value: str) -> str:
    # Everything outside RFC 3986's unreserved set is escaped: CSET 82's "/", "?", "&", "%"
    # and the rest would otherwise change the URI's structure.
    return quote(value, safe="")


def _check_resolver(resolver: str) -> str:
    match = _URI.fullmatch(resolver)
    if match is None or match[4] is not None or match[5] is not None:
        raise InvalidFormat(DL_RESOLVER, found=resolver)
    return resolver.rstrip("/")


# --- element string -> URI ------------------------------------------------------------------


def _primary_key(message: ai.Gs1Message, text: str) -> ai.ElementString:
    for element in message:
        if element.definition.dl_primary_key:
            return element
    keys = ", ".join(f"({d.ai})" for d in ai.definitions().values() if d.dl_primary_key)
    raise InvalidComponent(DL_NO_PRIMARY_KEY, value=text, expected=keys)


def _best_sequence(key: ai.ElementString, present: set[str]) -> tuple[str, ...]:
    """The qualifier sequence that places the most AIs that could not go in the query."""
    sequences = key.definition.dl_qualifiers or ((),)
    table = ai.definitions()

    def score(sequence: tuple[str, ...]) -> tuple[int, int]:
        placed = [q for q in sequence if q in present]
        return sum(not table[q].dl_data_attribute for q in placed), len(placed)

    return max(sequences, key=score)  # max keeps the first of equals: the dictionary's order


def from_element_string(value: str, options: DigitalLinkOptions | None = None) -> DigitalLink:
    """Arrange a message's element strings as a GS1 Digital Link URI (DL URI Syntax 4.x)."""
    options = options or _DEFAULT_OPTIONS
    resolver = _check_resolver(options.resolver)
    message = ai.parse(value, options.ai_options)
    key = _primary_key(message, message.bracketed())
    sequence = _best_sequence(key, {e.ai for e in message})
    placed = {key.ai: key}
    for element in message:
        if element.ai in sequence:
            placed.setdefault(element.ai, element)
    qualifiers = tuple(placed[q] for q in sequence if q in placed)
    attributes: list[ai.ElementString] = []
    for element in message:
        if element.ai in placed or element in attributes:
            continue  # the key, a qualifier, or an identical repeat
        if not element.definition.dl_data_attribute:
            expected = " | ".join(",".join(s) for s in key.definition.dl_qualifiers or ())
            raise InvalidComponent(
                DL_NOT_REPRESENTABLE, ai=element.ai, key=key.ai, expected=expected or "none"
            )
        attributes.append(element)
    ordered = ai.Gs1Message((key, *qualifiers, *attributes), ai.InputForm.DIGITAL_LINK)
    return DigitalLink(ordered, key, qualifiers, tuple(attributes), resolver)


def to_uri(value: str, options: DigitalLinkOptions | None = None) -> str:
    """The GS1 Digital Link URI of an element string (any form :func:`tiaoma.ai.parse` reads)."""
    return from_element_string(value, options).uri()


# --- URI -> element string ------------------------------------------------------------------


def _prepare(value: Any) -> str:
    text = _text.require_text(value).strip()
    if len(text) > ai.MAX_INPUT_LENGTH:
        raise InvalidLength(ai.AI_TOO_LONG, expected=ai.MAX_INPUT_LENGTH, found=len(text))
    if not text:
        raise InvalidFormat(
            EMPTY, expected="a GS1 Digital Link URI", expected_zh="GS1 数字链接 URI"
        )
    bad = _BAD_PERCENT.search(text)
    if bad:
        found = text[bad.start() : bad.start() + 3]
        raise InvalidFormat(DL_PERCENT, value=text, position=bad.start() + 1, found=found)
    return text


def _key_index(segments: list[str], text: str) -> int:
    """Where the primary key starts: walk back over /AI/value pairs from the end of the path
    until the pair whose AI is a primary key (what comes before is the resolver's path)."""
    table = ai.definitions()
    index = len(segments) - 2
    while index >= 0 and segments[index] in table:
        if table[segments[index]].dl_primary_key:
            return index
        index -= 2
    raise InvalidFormat(DL_NO_KEY, value=text)


def _check_qualifiers(key: str, qualifiers: list[str], text: str) -> None:
    """The qualifiers must follow one of the key's sequences, in its order, each at most once."""
    sequences = ai.definitions()[key].dl_qualifiers or ((),)
    if any(_in_order(qualifiers, sequence) for sequence in sequences):
        return
    expected = " | ".join("/".join(f"({q})" for q in s) for s in sequences) or "(none)"
    culprit = next((q for q in qualifiers if all(q not in s for s in sequences)), qualifiers[-1])
    raise InvalidComponent(DL_QUALIFIER, ai=culprit, key=key, value=text, expected=expected)


def _in_order(qualifiers: list[str], sequence: tuple[str, ...]) -> bool:
    position = 0
    for qualifier in qualifiers:
        if qualifier not in sequence[position:]:
            return False
        position = sequence.index(qualifier, position) + 1
    return True


#: AIs whose value is a GTIN, written in 14 digits (GS1 GenSpecs 2.1.1.10).
_GTIN_AIS = frozenset({"01", "02"})


def _gtin14(ai_number: str, value: str) -> str:
    """A GTIN-8, -12 or -13 as the 14 digits the DL URI Syntax asks for ("gtin-value =
    14DIGIT": GTIN-8, -12, -13 SHALL be expressed as 14 digits, leading zeroes as filler).

    Our reading, the same in the path and in the query: a URI written with the shorter, legacy
    form is read (the standard asks existing infrastructure to keep supporting legacy
    expressions) and always written back in 14 digits.
    """
    if ai_number in _GTIN_AIS and len(value) in (8, 12, 13) and value.isdigit():
        return value.zfill(14)
    return value


def _path_pairs(segments: list[str], text: str) -> list[tuple[str, str]]:
    pairs = [(segments[i], unquote(segments[i + 1])) for i in range(0, len(segments), 2)]
    key, value = pairs[0]
    pairs[0] = (key, _gtin14(key, value))
    _check_qualifiers(key, [q for q, _ in pairs[1:]], text)
    return pairs


def _belongs_in_path(name: str, path_pairs: list[tuple[str, str]], text: str) -> None:
    """A qualifier of the primary key that could join the path's qualifiers in one of the
    key's sequences must be in the path (DL URI Syntax: key qualifiers in the path, data
    attributes in the query), as GS1's Barcode Syntax Engine refuses ``/01/…?10=ABC``; with
    ``/01/…/235/X`` the sequence (22, 10, 21) is no longer open, so ``?10=`` is an attribute."""
    key = path_pairs[0][0]
    sequences = ai.definitions()[key].dl_qualifiers or ()
    present = {q for q, _ in path_pairs[1:]} | {name}
    if any(present <= set(sequence) for sequence in sequences):
        expected = " | ".join("/".join(f"({q})" for q in s) for s in sequences)
        raise InvalidComponent(
            DL_QUALIFIER_IN_QUERY, ai=name, key=key, value=text, expected=expected
        )


def _query_pairs(
    query: str, text: str, path_pairs: list[tuple[str, str]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str | None]]]:
    """AI data attributes, and the other parameters (kept, never interpreted)."""
    table = ai.definitions()
    attributes: list[tuple[str, str]] = []
    others: list[tuple[str, str | None]] = []
    for parameter in filter(None, query.split("&")):
        name, equals, value = parameter.partition("=")
        if not name.isdigit():
            others.append((name, value if equals else None))
            continue
        if name not in table:
            raise InvalidComponent(ai.AI_UNKNOWN, ai=name, value=text)
        if not table[name].dl_data_attribute:
            raise InvalidComponent(DL_ATTRIBUTE, ai=name, value=text)
        _belongs_in_path(name, path_pairs, text)
        attributes.append((name, _gtin14(name, unquote(value))))
    return attributes, others


def parse(value: str, options: DigitalLinkOptions | None = None) -> DigitalLink:
    """Read and validate a GS1 Digital Link URI.

    Query parameters whose names are not all digits are not GS1 data: they are kept in
    :attr:`DigitalLink.other_params` and ignored, as the DL URI Syntax asks of decoders.
    Numeric names must be AIs that may be data attributes.
    """
    options = options or _DEFAULT_OPTIONS
    text = _prepare(value)
    match = _URI.fullmatch(text)
    if match is None:
        user = _USER_PART.match(text)
        if user is not None:  # https://id.gs1.org@evil.example/... opens evil.example
            raise InvalidFormat(DL_USER_PART, value=text, user=user[1], host=user[2])
        raise InvalidFormat(DL_SYNTAX, value=text, found=text[:12])
    scheme, host, path, query, fragment = match.groups()
    segments = (path or "/").split("/")[1:]
    start = _key_index(segments, text)
    path_pairs = _path_pairs(segments[start:], text)
    attributes, others = _query_pairs(query or "", text, path_pairs)
    message = ai.message_from_pairs(
        path_pairs + attributes, options.ai_options, form=ai.InputForm.DIGITAL_LINK
    )
    elements = message.elements
    resolver = f"{scheme.lower()}://{host}" + "".join(f"/{s}" for s in segments[:start])
    return DigitalLink(
        message, elements[0], elements[1 : len(path_pairs)], elements[len(path_pairs) :],
        resolver, tuple(others), fragment or "",
    )  # fmt: skip


def to_element_string(value: str, options: DigitalLinkOptions | None = None) -> str:
    """The bracketed element string of a GS1 Digital Link URI."""
    return parse(value, options).element_string()


# --- the interface --------------------------------------------------------------------------


def compact(value: str) -> str:
    """The URI with surrounding spaces removed (URIs have no other layout to drop)."""
    return _prepare(value)


def validate(value: str, options: DigitalLinkOptions | None = None) -> str:
    """The canonical URI (GTIN as 14 digits, values percent-encoded) if valid; else raise."""
    return parse(value, options).uri()


def is_valid(value: str, options: DigitalLinkOptions | None = None) -> bool:
    """Whether the URI is a valid GS1 Digital Link URI."""
    return passes(parse, value, options)


def format(value: str, options: DigitalLinkOptions | None = None) -> str:
    """The canonical URI of a GS1 Digital Link URI or of an element string."""
    text = _text.require_text(value).strip()
    if text[:4].lower() == "http":
        return validate(text, options)
    return to_uri(text, options)

"""GS1's Global Product Classification (GPC): the bricks staff load from GS1's published file,
and the checks and names the product pages take from them.

GS1 publishes GPC as XML ("GPC as of <date>", one file per language): a ``<schema
languageCode="EN" dateUtc="...">`` of nested ``<segment>``, ``<family>``, ``<class>`` and
``<brick>`` elements, each with a ``code`` and a ``text`` (and often a ``definition``); a
brick's ``<attType>``/``<attValue>`` children describe its attributes, which the hall does not
keep. The file is read as a stream (``iterparse``), each element dropped once read, so a
50 MB file never sits in memory; the bricks replace the old ones in one transaction, so a bad
file leaves the loaded bricks as they were.

>>> [b.code for b in parse(io.BytesIO(SAMPLE))]
['10000232']
"""

from __future__ import annotations

import io  # noqa: F401  (the doctest reads a file from bytes)
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from hall.core.errors import HallError
from hall.products.models import GpcBrick

#: GPC's four levels as GS1's XML names them; a brick's code is 8 digits starting 10.
LEVELS = ("segment", "family", "class")
BRICK = "brick"
#: GS1's full GPC (all languages' structure is the same) holds about 5,000 bricks.
MAX_BRICKS = 50_000
#: The first bytes looked at for a document type declaration (entities are refused).
HEAD_BYTES = 4096

SAMPLE = b"""<?xml version="1.0" encoding="utf-8"?>
<schema languageCode="EN" dateUtc="20241130">
  <segment code="50000000" text="Food/Beverage">
    <family code="50200000" text="Beverages">
      <class code="50202300" text="Non Alcoholic Beverages - Ready to Drink">
        <brick code="10000232" text="Packaged Water">
          <attType code="20000208" text="Type of Water"><attValue code="30002944" text="Mineral"/>
          </attType>
        </brick>
      </class>
    </family>
  </segment>
</schema>"""


class GpcError(HallError):
    """A GPC file that cannot be loaded, or a brick code the loaded GPC does not hold."""

    code = "gpc"


@dataclass(frozen=True)
class Brick:
    code: str
    title: str
    definition: str
    parents: tuple[tuple[str, str], ...]  # (code, title) of the segment, family and class


def _refuse_entities(stream: IO[bytes]) -> None:
    """GS1's files declare no document type; one that does may define entities (an XML bomb)."""
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise GpcError(_("GPC 文件不应包含文档类型声明（DOCTYPE）"))


def _code(element: ElementTree.Element, level: str) -> str:
    code = (element.get("code") or "").strip()
    if not (len(code) == 8 and code.isdigit()):
        raise GpcError(_("GPC 文件中的 %(level)s 代码“%(code)s”不是 8 位数字")
                       % {"level": level, "code": code[:20]})  # fmt: skip
    return code


def parse(stream: IO[bytes]) -> Iterator[Brick]:
    """The bricks of a GPC XML file in GS1's format, each with its segment, family and class."""
    _refuse_entities(stream)
    open_levels: list[tuple[str, str]] = []
    try:
        for kind, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]  # a namespace, if any, is not GPC's concern
            if kind == "start" and tag in LEVELS:
                open_levels.append((_code(element, tag), (element.get("text") or "").strip()))
            elif kind == "end" and tag == BRICK:
                yield _brick(element, tuple(open_levels))
                element.clear()
            elif kind == "end" and tag in LEVELS:
                open_levels.pop()
                element.clear()
    except ElementTree.ParseError as error:
        raise GpcError(_("GPC 文件不是有效的 XML：%(error)s") % {"error": error}) from error


def _brick(element: ElementTree.Element, parents: tuple[tuple[str, str], ...]) -> Brick:
    code = _code(element, BRICK)
    if not code.startswith("10"):
        raise GpcError(_("GPC 细块代码“%(code)s”应以 10 开头") % {"code": code})
    if len(parents) != len(LEVELS):
        raise GpcError(_("GPC 细块 %(code)s 不在 门类/大类/类别 之内") % {"code": code})
    title = (element.get("text") or "").strip()
    if not title:
        raise GpcError(_("GPC 细块 %(code)s 没有名称") % {"code": code})
    return Brick(code, title[:300], (element.get("definition") or "").strip(), parents)


def _language(stream: IO[bytes]) -> tuple[str, str]:
    """The file's ``languageCode`` and ``dateUtc`` from its root element."""
    try:
        for _kind, element in ElementTree.iterparse(stream, events=("start",)):
            stream.seek(0)
            return element.get("languageCode", "")[:10], element.get("dateUtc", "")[:40]
    except ElementTree.ParseError as error:
        raise GpcError(_("GPC 文件不是有效的 XML：%(error)s") % {"error": error}) from error
    return "", ""


@dataclass(frozen=True)
class Loaded:
    bricks: int
    language: str
    published: str


def gpc_import(stream: IO[bytes]) -> Loaded:
    """Replace the loaded bricks with the file's, all or nothing."""
    _refuse_entities(stream)
    language, published = _language(stream)
    rows: list[GpcBrick] = []
    seen: set[str] = set()
    for brick in parse(stream):
        if brick.code in seen:
            raise GpcError(_("GPC 细块代码 %(code)s 在文件中重复") % {"code": brick.code})
        if len(seen) == MAX_BRICKS:
            raise GpcError(_("GPC 文件的细块超过 %(count)d 个") % {"count": MAX_BRICKS})
        seen.add(brick.code)
        rows.append(_row(brick, language, published))
    if not rows:
        raise GpcError(_("GPC 文件中没有细块（brick）"))
    with transaction.atomic():
        GpcBrick.objects.all().delete()
        # bulk_create, not hall.core.inserting: its COPY takes ids from a sequence, and a
        # brick's key is its code (a few thousand rows: no COPY needed).
        GpcBrick.objects.bulk_create(rows, batch_size=1000)
    return Loaded(len(rows), language, published)


def _row(brick: Brick, language: str, published: str) -> GpcBrick:
    (segment, family, klass) = brick.parents
    return GpcBrick(code=brick.code, title=brick.title, definition=brick.definition,
                    segment_code=segment[0], segment_title=segment[1][:300],
                    family_code=family[0], family_title=family[1][:300],
                    class_code=klass[0], class_title=klass[1][:300],
                    language=language, published=published)  # fmt: skip


def loaded() -> bool:
    return GpcBrick.objects.exists()


def unknown(codes: Iterable[str]) -> set[str]:
    """The codes among ``codes`` the loaded GPC does not hold (none while no GPC is loaded)."""
    wanted = {c for c in codes if c}
    if not wanted or not loaded():
        return set()
    return wanted - set(GpcBrick.objects.filter(code__in=wanted).values_list("code", flat=True))


def refuse_unknown(code: str) -> None:
    """Refuse a brick code the loaded GPC does not hold (any code while none is loaded)."""
    if unknown([code]):
        raise GpcError(_("GPC 细块代码 %(code)s 不在已导入的 GS1 GPC 中，请核对或查询细块")
                       % {"code": code})  # fmt: skip


def names(codes: Iterable[str]) -> dict[str, str]:
    """The brick names of ``codes``, in one query."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return dict(GpcBrick.objects.filter(code__in=wanted).values_list("code", "title"))


def matching(text: str, limit: int = 50) -> list[GpcBrick]:
    """Bricks whose code starts with, or whose name, class or family contains, ``text``."""
    text = text.strip()[:100]
    if not text:
        return []
    found = GpcBrick.objects.all()
    if text.isdigit():
        found = found.filter(code__startswith=text)
    else:
        found = found.filter(Q(title__icontains=text) | Q(class_title__icontains=text)
                             | Q(family_title__icontains=text))  # fmt: skip
    return list(found.order_by("code")[:limit])


def codes_named(text: str) -> list[str]:
    """The codes of the bricks whose name contains ``text`` (at most 500: a search filter)."""
    return list(GpcBrick.objects.filter(title__icontains=text.strip()[:100])
                .values_list("code", flat=True)[:500])  # fmt: skip

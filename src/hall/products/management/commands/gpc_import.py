"""``python -m hall gpc_import FILE``: load GS1's published GPC (XML) as the hall's bricks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hall.products.gpc import GpcError, gpc_import


class Command(BaseCommand):
    help = (
        "Load GS1's Global Product Classification from its XML file (GPC as of <date>, "
        "from gs1.org): the bricks replace the loaded ones, all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="GS1's GPC file in XML")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            with path.open("rb") as stream:
                loaded = gpc_import(stream)
        except GpcError as error:
            raise CommandError(f"{path}: {error} (nothing was changed)") from error
        language, published = loaded.language or "?", loaded.published or "undated"
        self.stdout.write(f"loaded {loaded.bricks} GPC bricks ({language}, {published})")

"""``python -m hall worker``: run queued background jobs (imports, batch verifications).

Any number of workers may run: each claims one job at a time under a row lock. ``--once`` runs
what is queued and exits. Start workers when ``HALL_JOB_RUNNER=worker``.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from hall.jobs.queue import claim, run


class Command(BaseCommand):
    help = "Run the hall's queued background jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            close_old_connections()  # a worker lives long: reconnect as web requests would
            claimed = claim()
            if claimed is not None:
                finished = run(claimed.pk)
                self.stdout.write(f"job {finished.pk} {finished.name}: {finished.status}")
                continue
            if options["once"]:
                return
            time.sleep(1)  # pragma: no cover - the long-running form

"""The hall's Celery application: every background task, on the broker ``HALL_BROKER_URL``
names (RabbitMQ or Redis; a folder in development), run by any number of workers::

    python -m hall worker          # celery worker; add --beat in development for the ticks
    python -m hall beat            # celery beat: the periodic tasks, once a minute

Settings come from Django's (``CELERY_*`` in hall.settings); Celery's Django fixup sets Django
up in the worker before a task runs. The tasks live with what they run: ``hall.jobs.queue``
(jobs someone waits for), ``hall.jobs.registry`` (periodic tasks), ``hall.sms.services``.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")

app = Celery("hall")
app.config_from_object("django.conf:settings", namespace="CELERY")
#: The modules whose tasks a worker must know; the web process imports them as it uses them.
app.conf.imports = ("hall.jobs.queue", "hall.jobs.registry", "hall.sms.services")

"""The WSGI application, for a production server: granian (in the ``hall`` extra), e.g.
``granian --interface wsgi --workers 4 --blocking-threads 2 hall.wsgi:application``, or any
other WSGI server. The busiest public routes take the lean path (hall.api.lean)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")
application = get_wsgi_application()
if settings.LEAN_PATH:
    from hall.api.lean import LeanHandler

    application = LeanHandler(application)

"""The WSGI application, for a production server (gunicorn, uWSGI)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hall.settings")
application = get_wsgi_application()

"""WSGI entry point for any WSGI server (waitress in the embedded default, gunicorn behind a proxy)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openingup.settings")
application = get_wsgi_application()

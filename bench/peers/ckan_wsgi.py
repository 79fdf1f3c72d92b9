"""WSGI entry for CKAN under waitress (the server Opening Up uses), so both peers run on the same server.

Runs inside the CKAN virtualenv, never the project's; the ini file comes from $CKAN_INI. This is the
wsgi.py CKAN's deployment documentation gives, without its file-relative paths.
"""

import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

_ini = os.environ["CKAN_INI"]
fileConfig(_ini)
application = make_app(CKANConfigLoader(_ini).get_config())

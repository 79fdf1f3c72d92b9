"""The data pages of a distribution: its datastore table as a table, chart, map, dictionary and report.

``/distributions/<id>/data/`` and its tabs are server-rendered and need no JavaScript. Every state —
filters, full-text search, sort, page cursor, chart, map area, version — lives in the query string, so
any view can be bookmarked and shared, and the tabs (plain links) carry it from one view to the next.

Filters come from the form as parallel lists ``fc`` (column), ``fo`` (operator) and ``fv`` (value) and
are turned into the API's own parameters (``COLUMN__OP=value``), so the page, its export links and the
API all read the same query through :func:`openingup.datastore.reading.parse`.

* :mod:`.page` — what every tab shares: labels, cell values, the query-string helpers (:func:`~.page.link`,
  the filter rows), :class:`~.page.DataPage` and :func:`~.page.data_page`.
* :mod:`.table`, :mod:`.chart`, :mod:`.map`, :mod:`.dictionary` (with its form's POST) and :mod:`.quality`
  (with ``status.json``) — one module per tab.
"""

from openingup.web.views.datastore.chart import data_chart
from openingup.web.views.datastore.dictionary import data_dictionary
from openingup.web.views.datastore.map import data_map
from openingup.web.views.datastore.quality import data_quality, data_status
from openingup.web.views.datastore.table import data_table

__all__ = ["data_chart", "data_dictionary", "data_map", "data_quality", "data_status", "data_table"]

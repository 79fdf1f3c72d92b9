"""A CKAN-compatible Action API at ``/api/3/action/<name>`` (and ``/api/action/<name>``, where ``ckanapi``
calls), so that CKAN clients, scripts and harvesters work against this platform unchanged.

* :mod:`.actions` — the registry: ``@action("datastore_search", side_effect_free=True)`` registers a
  function ``(request, params) -> result``; CKAN's parameter validation in miniature
  (:func:`~.actions.validate`, :class:`~.actions.Param`) and its ``ValidationError``; ``help_show``.
* :mod:`.datastore` — ``datastore_search``, ``datastore_search_sql`` and ``datastore_info`` over the
  datastore context (a CKAN resource id is our distribution id).
* :mod:`.views` — the one view answering every action in CKAN 2.11's envelope and status codes.

More actions (the catalogue's ``package_search``, ``package_show`` …) are more modules listed in
:data:`.actions.MODULES`.
"""

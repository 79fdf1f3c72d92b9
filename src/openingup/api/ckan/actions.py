"""The registry of CKAN actions, and CKAN's parameter validation in miniature.

An action is a function ``(request, params) -> result`` registered under its CKAN name::

    @action("datastore_search", side_effect_free=True)
    def datastore_search(request: HttpRequest, params: Params) -> dict[str, Any]:
        '''Search a DataStore resource. …'''  # the docstring is what help_show returns

``params`` is the action's data dict as CKAN builds it (the JSON body, the form, or — for
``side_effect_free`` actions only — the query string, one string per parameter or a list when repeated).
The result goes under ``"result"`` of the envelope; the services' errors (NotFound, PermissionDenied,
InvalidInput) and this module's :class:`ValidationError` become CKAN's error envelopes in the view.
``request.auth`` is the calling user (a token's, the session's or the anonymous user).

:func:`validate` checks ``params`` against a schema of :class:`Param` the way CKAN's navl schemas do
(``not_empty``, ``default``, ``ignore_missing``, ``__junk``), with CKAN's converters and messages, so
clients see the same ``{"<param>": ["message"]}`` errors. Modules of actions are listed in
:data:`MODULES` and imported on first use.
"""

from __future__ import annotations

import importlib
import inspect
import json
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import HttpRequest

from openingup.core.errors import NotFound

Params = dict[str, Any]
ActionFunction = Callable[[HttpRequest, Params], Any]
F = TypeVar("F", bound=ActionFunction)

# Modules whose import registers actions (the catalogue's package_* actions join here).
MODULES: tuple[str, ...] = (
    "openingup.api.ckan.datastore",
    "openingup.api.ckan.catalogue_read",
    "openingup.api.ckan.catalogue_search",
    "openingup.api.ckan.catalogue_write",
)
MISSING = "Missing value"


@dataclass(frozen=True)
class Action:
    name: str
    function: ActionFunction
    side_effect_free: bool = False  # may be called with GET, its parameters then read from the query string

    @property
    def help(self) -> str:
        return inspect.getdoc(self.function) or ""


_registry: dict[str, Action] = {}
_loaded = False
_lock = threading.Lock()


def action(name: str, *, side_effect_free: bool = False) -> Callable[[F], F]:
    """Register the decorated function as the CKAN action ``name``.

    ``side_effect_free`` actions (reads) also answer GET, as CKAN's ``@side_effect_free`` ones do; the
    others answer POST only."""

    def register(fn: F) -> F:
        existing = _registry.get(name)
        if existing is not None and (
            existing.function.__module__,
            existing.function.__qualname__,
        ) != (fn.__module__, fn.__qualname__):
            raise ValueError(f"the CKAN action {name!r} is already registered by {existing.function!r}")
        _registry[name] = Action(name, fn, side_effect_free)
        return fn

    return register


def load() -> None:
    """Import the modules of :data:`MODULES` once, registering their actions."""
    global _loaded
    with _lock:
        if not _loaded:
            for module in MODULES:
                importlib.import_module(module)
            _loaded = True


def get_action(name: str) -> Action:
    """The action registered as ``name``; KeyError when there is none."""
    load()
    return _registry[name]


def registered() -> dict[str, Action]:
    load()
    return dict(_registry)


# ------------------------------------------------------------------------------------------- errors


class ValidationError(Exception):
    """CKAN's ValidationError: ``errors`` maps a parameter to its messages (HTTP 409 "Validation Error")."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        super().__init__(dict(errors))
        self.errors: dict[str, Any] = dict(errors)


class Invalid(Exception):
    """A converter's refusal of one value; the message is CKAN's for that validator."""


# ---------------------------------------------------------------------------------------- validation


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Param:
    """One parameter of an action's schema.

    ``required``: CKAN's ``not_empty`` (absent, null or "" is "Missing value"). ``default``: CKAN's
    ``default(x)`` (used when absent, null or ""). Otherwise an absent or null parameter is left out
    (``ignore_missing``). ``convert`` turns the value into its Python form or raises :class:`Invalid`.
    """

    convert: Callable[[Any], Any] | None = None
    required: bool = False
    default: Any = ABSENT


def validate(
    params: Mapping[str, Any],
    schema: Mapping[str, Param],
    *,
    renames: Mapping[str, str] | None = None,
    junk: bool = True,
) -> Params:
    """The parameters of ``schema`` found in ``params``, converted; ValidationError listing every problem.

    ``renames`` moves a non-empty value from an alias to its parameter first (CKAN's ``rename('id',
    'resource_id')``). With ``junk``, parameters outside the schema are refused as CKAN's ``__junk``."""
    data = dict(params)
    for old, new in (renames or {}).items():
        if old in data:
            value = data.pop(old)
            if value not in (None, "", [], {}):
                data[new] = value
    errors: dict[str, list[str]] = {}
    out: Params = {}
    for name, param in schema.items():
        value = data.pop(name, ABSENT)
        empty = value is ABSENT or value is None or (isinstance(value, str) and value == "")
        if empty and param.required:
            errors[name] = [MISSING]
            continue
        if empty and param.default is not ABSENT:
            out[name] = param.default
            continue
        if value is ABSENT or value is None:
            continue
        if param.convert is not None:
            try:
                value = param.convert(value)
            except Invalid as exc:
                errors[name] = [str(exc)]
                continue
        out[name] = value
    if junk and data:
        # CKAN names junk by its flattened keys: "The input field [('x',)] was not expected."
        errors["__junk"] = [f"The input field {[(key,) for key in data]!r} was not expected."]
    if errors:
        raise ValidationError(errors)
    return out


# ---------------------------------------------------------------------------- CKAN's converters


def text(value: Any) -> str:
    """``unicode_safe``: any value as a string."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else str(value)


def integer(value: Any) -> int | None:
    """``int_validator``: a whole number (``""`` is None); "Invalid integer" otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise Invalid("Invalid integer")
    if isinstance(value, str) and len(value) <= 100:
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise Invalid("Invalid integer")


def natural_number(value: Any) -> int:
    """``natural_number_validator``: a whole number of at least 0."""
    number = integer(value)
    if number is None:
        raise Invalid("Invalid integer")
    if number < 0:
        raise Invalid("Must be a natural number")
    return number


def boolean(value: Any) -> bool:
    """``boolean_validator``: true for true/yes/t/y/1 (any case), false for anything else."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "yes", "t", "y", "1"}


def one_of(choices: Collection[str]) -> Callable[[Any], Any]:
    """``one_of``: the value must be one of ``choices``."""

    def check(value: Any) -> Any:
        if value not in choices:
            raise Invalid(f"Value must be one of {list(choices)!r}")
        return value

    return check


def json_value(value: Any) -> Any:
    """``json_validator``: dicts and lists as they are, strings parsed as JSON ("Cannot parse JSON")."""
    if not isinstance(value, str | bytes):
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError) as exc:
        raise Invalid("Cannot parse JSON") from exc


def text_or_json_object(value: Any) -> Any:
    """``unicode_or_json_validator``: a JSON object (sent as such or as a JSON string) or else a string."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):
            return value
        return parsed if isinstance(parsed, dict) else value
    return text(value)


def strings(value: Any) -> str | list[Any]:
    """``list_of_strings_or_string``: a string, or a list of strings (a JSON list sent as a string too)."""
    if isinstance(value, str):
        if value.lstrip().startswith("["):
            try:
                parsed = json.loads(value)
            except (ValueError, RecursionError):
                return value
            if isinstance(parsed, list):
                value = parsed
            else:
                return value
        else:
            return value
    if not isinstance(value, list):
        raise Invalid("Not a list")
    for item in value:
        if not isinstance(item, str | list):
            raise Invalid(f"Neither a string nor a list: {item!r}")
    return value


def as_list(value: str | list[Any]) -> list[Any]:
    """CKAN's ``get_list``: a comma-separated string split and stripped (``"a, b"`` → ``["a", "b"]``), a
    list as it is; a value wrapped in double quotes loses them."""
    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
    out = []
    for item in items:
        if isinstance(item, str):
            if not item:
                continue
            if len(item) > 1 and item[0] == item[-1] == '"':
                item = item[1:-1]
        out.append(item)
    return out


# ------------------------------------------------------------------------------------- help_show


@action("help_show", side_effect_free=True)
def help_show(request: HttpRequest, params: Params) -> str:
    """Return the help string for a particular API action.

    :param name: Action function name (e.g. `datastore_search`)
    :type name: string
    :returns: The help string for the action function, or None if the function
              does not have a docstring.
    :rtype: string

    """
    name = validate(params, {"name": Param(text, required=True)}, junk=False)["name"]
    try:
        return get_action(name).help
    except KeyError:
        raise NotFound("Action function not found") from None

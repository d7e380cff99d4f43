"""Read the sandbox's data files in ``sandbox/reference/`` (plain text, CSV and JSON).

Lines starting with ``#`` are comments in text and CSV files, and blank lines are skipped, so
every file can say what it holds. Callers read each file once, at import.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from importlib.resources import files
from string import Formatter
from typing import Any

from jsonwire.encoding import loads

_FIELDS = Formatter()


def _text(name: str) -> str:
    return files("sandbox").joinpath("reference", name).read_text(encoding="utf-8")


def _data_lines(name: str) -> list[str]:
    return [line for line in _text(name).splitlines() if line.strip() and not line.startswith("#")]


def read_lines(name: str) -> tuple[str, ...]:
    """One value per line, in file order (seeded draws depend on it)."""
    return tuple(line.strip() for line in _data_lines(name))


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows keyed by the header line's column names."""
    return list(csv.DictReader(_data_lines(name)))


def read_json(name: str) -> Any:
    """The file's JSON; numbers with a fraction are ``Decimal`` (``0.0000`` stays as written)."""
    return loads(_text(name))


def fill(
    template: Any, values: Mapping[str, Any], convert: Callable[[Any], Any] | None = None
) -> Any:
    """A copy of a JSON template: a string (key or value) that is exactly one ``"{field}"``
    becomes that value itself (through ``convert`` if given), and ``{field}`` inside longer
    text is formatted in. Fields are named as in ``str.format``: ``{id}``, ``{spec.vat}``.

    >>> fill({"Id": "{id}", "Url": "/x/{id}", "{key}": [None]}, {"id": 7, "key": "K"})
    {'Id': 7, 'Url': '/x/7', 'K': [None]}
    """
    if isinstance(template, dict):
        return {fill(k, values, convert): fill(v, values, convert) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(item, values, convert) for item in template]
    if not isinstance(template, str):
        return template
    if template[:1] == "{" and template[-1:] == "}" and "{" not in template[1:]:
        value, _ = _FIELDS.get_field(template[1:-1], (), values)  # "{a}", "{a.b}", "{a[1]}"
        return convert(value) if convert else value
    return template.format_map(values)

"""Reading KashFlow's JSON objects by name, case-insensitively, at the speed of a dict look-up.

``jsonwire.fields.Fields`` lower-cases every key of every object it reads. A listing of 50,000
invoices has one key layout (the same keys in the same order on every row), so a
``KeyReader`` works out once per layout which key holds each field, then reads every row
with plain look-ups. It returns what ``Fields.get`` returns for the same names: the first
present, non-null value, where a key sent in two casings counts as the last one sent.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from jsonwire.fields import Fields

_ABSENT = object()  # a key no JSON object has: looking it up gives None
# Hostile input may change its keys row by row: layouts past this many are read, not kept.
_MOST_LAYOUTS = 64


class _Plan(NamedTuple):
    keys: tuple[Any, ...]  # per field, the first key present among its names (or _ABSENT)
    fallbacks: tuple[tuple[int, tuple[Any, ...]], ...]  # (field, other keys) when several


class KeyReader:
    """The values of named fields of dict objects, one layout of keys worked out once.

    >>> reader = KeyReader(("Number", "InvoiceNumber"), ("VATNumber",))
    >>> reader.values({"invoicenumber": 7, "VatNumber": "GB1"})
    [7, 'GB1']
    >>> reader.values({"Number": None, "InvoiceNumber": 8}), reader.values(None)
    ([8, None], [None, None])
    """

    __slots__ = ("_names", "_plans")

    def __init__(self, *fields: tuple[str, ...]) -> None:
        self._names = tuple(tuple(dict.fromkeys(name.lower() for name in f)) for f in fields)
        self._plans: dict[tuple[Any, ...], _Plan] = {}

    def values(self, raw: Any) -> list[Any]:
        """Per field, the first non-null value among its names, else ``None`` (for anything
        but a dict, through ``Fields``: a mapping is read the same way, the rest is empty)."""
        if type(raw) is not dict:
            fields = Fields(raw)
            return [fields.get(*names) for names in self._names]
        layout = tuple(raw)
        plan = self._plans.get(layout)
        if plan is None:
            plan = self._plan(layout)
        values = list(map(raw.get, plan.keys))
        for index, others in plan.fallbacks:
            if values[index] is None:
                values[index] = next((raw[k] for k in others if raw[k] is not None), None)
        return values

    def _plan(self, layout: tuple[Any, ...]) -> _Plan:
        # As Fields does: keys by their lower-case text, a later casing replacing an earlier.
        by_name = {str(key).lower(): key for key in layout}
        keys: list[Any] = []
        fallbacks: list[tuple[int, tuple[Any, ...]]] = []
        for index, names in enumerate(self._names):
            present = [by_name[name] for name in names if name in by_name]
            keys.append(present[0] if present else _ABSENT)
            if len(present) > 1:
                fallbacks.append((index, tuple(present[1:])))
        plan = _Plan(tuple(keys), tuple(fallbacks))
        if len(self._plans) < _MOST_LAYOUTS:
            self._plans[layout] = plan
        return plan

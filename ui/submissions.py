"""The submission side as the pages see it: where cases go."""

from __future__ import annotations

from ui import context
from workflow.debitura_target import DebituraTarget, resolve_debitura


def debitura_target() -> DebituraTarget:
    return resolve_debitura(context.settings())

"""The review's fast totals and ageing bars are exactly ``mapping.summary``'s, for the whole
import and for any subset (a filter), sent invoices included."""

from __future__ import annotations

import random

import numpy as np

from kashflow import Credentials, KashFlowClient
from mapping import Policy
from mapping.summary import ageing_bars, currency_summaries
from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME
from workflow.importing import import_open_invoices
from workflow.review_figures import ReviewFigures

DEMO = Credentials(DEMO_USERNAME, DEMO_PASSWORD, DEMO_MEMORABLE_WORD)


def test_figures_match_the_row_by_row_ones_for_any_subset(kashflow_sandbox):
    client = KashFlowClient(DEMO, base_url=kashflow_sandbox.url)
    numbers = [str(n) for n in kashflow_sandbox.dataset.open_invoice_numbers()]
    result = import_open_invoices(
        client,
        policy=Policy(as_of=kashflow_sandbox.dataset.as_of),
        submitted_invoices=set(numbers[::7]),  # some already sent
    )
    rows = result.rows
    figures = ReviewFigures(rows)
    chance = random.Random(13)
    subsets = [list(range(len(rows))), [], [0]]
    subsets += [sorted(chance.sample(range(len(rows)), k)) for k in (5, 50, len(rows) // 2)]
    for positions in subsets:
        chosen = [rows[i] for i in positions]
        at = np.array(positions, dtype=np.int64)
        assert figures.summaries(at) == currency_summaries(chosen)
        assert figures.bars(at) == ageing_bars(chosen)
    assert any(summary.sent_invoices for summary in figures.summaries(np.arange(len(rows))))

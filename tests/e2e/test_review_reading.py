"""The review reads at a glance on a 1366×768 laptop with the sidebar open: the columns a
decision needs are on screen without scrolling, dates read the UK way, and the ageing chart
has a "Not yet due" bar that "Clear filters" really clears."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import wait_for_app
from tests.e2e.demo_data import demo_rows
from tests.e2e.grid import ROW_HEIGHT, select_invoice_cell, settled_box
from tests.e2e.test_review_and_submit_flow import open_review, showing
from ui.review_grid import COLUMN_CONFIG, DECISION

LAPTOP = {"width": 1366, "height": 768}
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"


@pytest.fixture(scope="module")
def rows():
    return demo_rows()


def grid(page: Page) -> Locator:
    return page.get_by_test_id("stDataFrame").nth(1)


def expect_selected(grid_locator: Locator, cell: str) -> None:
    """The keyboard/mouse selection is on ``cell`` (read from the grid's accessible table)."""
    expect(grid_locator.locator(f"td[aria-selected=true]#{cell}")).to_have_count(1)


def column_boxes(left: float) -> list[tuple[str, float, float]]:
    """(column, left x, right x) of each decision column, from the grid's configured widths."""
    boxes, x = [], left
    for column in DECISION:
        width = COLUMN_CONFIG[column]["width"]
        boxes.append((column, x, x + width))
        x += width
    return boxes


def bars(page: Page, bucket: str) -> Locator:
    chart = page.get_by_test_id("stVegaLiteChart").first
    return chart.locator(f'path[aria-roledescription="bar"][aria-label^="Days overdue: {bucket};"]')


def opacities(page: Page) -> set[str]:
    chart = page.get_by_test_id("stVegaLiteChart").first
    return set(
        chart.locator('path[aria-roledescription="bar"]').evaluate_all(
            "paths => paths.map(p => p.getAttribute('opacity'))"
        )
    )


def test_the_decision_columns_fit_a_laptop_screen_without_scrolling(
    page: Page, start_app, screenshot
):
    server = start_app()
    page.set_viewport_size(LAPTOP)
    open_review(page, server.url)
    expect(page.get_by_test_id("stSidebar")).to_be_visible()  # the sidebar is open
    grid(page).scroll_into_view_if_needed()
    box = settled_box(page, grid(page))
    screenshot("grid-at-1366")
    boxes = column_boxes(box["x"])
    for column, left, right in boxes:
        assert box["x"] <= left and right <= box["x"] + box["width"], column
        assert left >= 0 and right <= LAPTOP["width"], column
    # The widths are what the grid really draws: a click in the middle of each box lands in
    # that column, the rightmost first (a click on a cut-off column would scroll the grid).
    select_invoice_cell(page, grid(page), 0)  # the grid takes focus
    page.keyboard.press("Escape")
    for position, (column, left, right) in reversed(list(enumerate(boxes))):
        if column == "select":
            continue  # a click there ticks the row
        page.mouse.click((left + right) / 2, box["y"] + ROW_HEIGHT * 1.5)
        # Waited for, not read once: Chromium updates the grid's accessible copy of its
        # cells (where the selection is read) about 0.25 s after the canvas draws it.
        expect_selected(grid(page), f"glide-cell-{position}-0")
        page.keyboard.press("Escape")


def test_dates_on_screen_read_the_uk_way(page: Page, start_app, rows):
    server = start_app()
    page.set_viewport_size(LAPTOP)
    open_review(page, server.url)
    grid(page).scroll_into_view_if_needed()
    # A click on the cell, checked where it landed: arrow keys pressed while the page run
    # that drew the grid is finishing can be lost.
    select_invoice_cell(page, grid(page), 0)  # the grid takes focus
    page.keyboard.press("Escape")
    box = settled_box(page, grid(page))
    _, left, right = column_boxes(box["x"])[DECISION.index("due_date")]
    page.mouse.click((left + right) / 2, box["y"] + ROW_HEIGHT * 1.5)
    expect_selected(grid(page), f"glide-cell-{DECISION.index('due_date')}-0")
    page.keyboard.press("Enter")  # a read-only cell opens to show its text as displayed
    shown = page.locator("#portal textarea").first
    expect(shown).to_have_value(rows[0].due_date.strftime("%d %b %Y"))
    assert re.fullmatch(rf"\d\d ({MONTHS}) \d{{4}}", shown.input_value())
    page.keyboard.press("Escape")
    # The date pickers ask for the day first, as UK readers write a date.
    picker = page.get_by_test_id("stSidebar").get_by_role("group", name="Due between start date")
    parts = picker.get_by_role("spinbutton").evaluate_all(
        "parts => parts.map(p => p.getAttribute('aria-label').split(',')[0])"
    )
    assert parts == ["day", "month", "year"]


def test_the_not_yet_due_bar_filters_and_clear_filters_resets_the_chart(
    page: Page, start_app, screenshot, rows
):
    not_yet_due = [r for r in rows if "not_yet_due" in r.blocking]
    server = start_app()
    page.set_viewport_size(LAPTOP)
    open_review(page, server.url)
    bars(page, "Not yet due").first.scroll_into_view_if_needed()
    assert opacities(page) == {"1"}  # nothing picked: every bar in full colour

    bars(page, "Not yet due").first.click()
    wait_for_app(page)
    expect(
        page.get_by_text(re.compile(rf"^Showing {len(not_yet_due)} of {len(rows)}"))
    ).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text("Not yet due", exact=True)).to_be_visible()
    assert opacities(page) == {"1", "0.35"}  # the picked bucket stands out
    screenshot("not-yet-due-picked")

    page.get_by_test_id("stSidebar").get_by_role("button", name="Clear filters").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(rf"^Showing {len(rows)} of {len(rows)}"))).to_be_visible()
    page.wait_for_timeout(500)  # the chart is drawn afresh
    assert opacities(page) == {"1"}
    screenshot("cleared")

    bars(page, "Not yet due").first.click()  # the same bar works again
    wait_for_app(page)
    expect(
        page.get_by_text(re.compile(rf"^Showing {len(not_yet_due)} of {len(rows)}"))
    ).to_be_visible()
    assert showing(page).startswith(f"Showing {len(not_yet_due)} of")

"""Driving the review grid (a canvas: cells are not DOM nodes) by position and keyboard.

Streamlit's grid draws 35 px rows under a 35 px header. The tick column (60 px) and the
invoice number are pinned on the left, so their cells never scroll away: a cell is reached by
selecting the row's invoice cell, then arrowing right to its column.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from ui.review_grid import COLUMN_ORDER

ROW_HEIGHT = 35
SELECT_WIDTH = 60
INVOICE_X = SELECT_WIDTH + 25  # inside the pinned invoice-number column


def _row_y(row: int) -> float:
    return ROW_HEIGHT + ROW_HEIGHT * row + ROW_HEIGHT / 2


def settled_box(page: Page, grid: Locator) -> dict:
    """The grid's box once the page has stopped moving it: a widget above it can grow a
    moment after the page run ends (a label drawn late), and a click aimed at the old box
    would land on another cell."""
    box = grid.bounding_box()
    for _ in range(20):
        page.wait_for_timeout(150)
        again = grid.bounding_box()
        if again == box:
            return box
        box = again
    return box


def select_invoice_cell(page: Page, grid: Locator, row: int) -> None:
    """Select the invoice cell of ``row``.

    When another widget still has focus (a date picker, say) the grid may spend a first click
    on taking focus; a second click on a selected cell would open it, so Escape goes between.
    """
    box = settled_box(page, grid)
    for _ in range(2):
        page.mouse.click(box["x"] + INVOICE_X, box["y"] + _row_y(row))
        page.wait_for_timeout(300)
        page.keyboard.press("Escape")
    page.mouse.click(box["x"] + INVOICE_X, box["y"] + _row_y(row))
    page.wait_for_timeout(300)


def tick(page: Page, grid: Locator, row: int) -> None:
    select_invoice_cell(page, grid, row)
    box = settled_box(page, grid)
    page.mouse.click(box["x"] + SELECT_WIDTH / 2, box["y"] + _row_y(row))


def type_into(page: Page, grid: Locator, row: int, column: str, text: str) -> None:
    select_invoice_cell(page, grid, row)
    # Slowly: the grid scrolls sideways as the selection moves, and may drop keys meanwhile.
    for _ in range(COLUMN_ORDER.index(column) - COLUMN_ORDER.index("invoice_number")):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(40)
    page.wait_for_timeout(200)
    page.keyboard.press("Enter")  # open the cell editor first: typed keys are then not lost
    page.wait_for_timeout(300)
    page.keyboard.type(text)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")

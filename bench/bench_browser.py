"""Benchmark: the review page as the analyst feels it, in Chromium, against the baseline grid.

Run from the project root: ``python -m bench.bench_browser [--sizes 1000,20000,50000]
[--runs 3] [--baseline 00c4634] [--no-baseline] [--screenshots FOLDER]``.

A KashFlow sandbox (a child process, no added latency) holds N open invoices of N/5
customers. Two app servers run against it: this checkout, and the ``--baseline`` commit checked
out by ``git worktree`` into a temporary folder (removed afterwards). Headless Chromium
(Debian's, through Playwright) connects to each, and the runs alternate between the two:

- "Review → first rows": from the click on "Review invoices" to the first invoice rows
  visible in a grid (in the baseline, the whole grid; now, the first screenful while the
  import runs); "Review → all ready": to the full page (every invoice in, filters on);
- a filter change to the grid showing its result: a search that keeps about 25 invoices,
  "Days overdue ≤ D" keeping 95% of them, and "Clear filters".

Each figure is the median of ``--runs`` runs (min–max beside it). A result counts as shown
when the script run it caused has finished, the "Showing N of M" line says the expected count
and the grid holds the expected first invoice. The grid is a canvas: its rows are read from
its accessible copy of the visible cells, which Chromium updates about 0.25 s after the canvas
draws them, so the time taken is that of the frame from which nothing was drawn any more
before the copy confirmed them (see ``ARM``), not the moment the copy caught up. "All ready"
is timed by the clock to the confirmation, the cautious way. The server-only figure (AppTest, no
browser) is ``bench/bench_review.py``'s.

With ``--screenshots``, this checkout's review page at ``--screenshot-size`` is saved at 1366
and 1440 px wide: while loading, finished, paged, filtered, after a reload and from a deep
link to /review.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from bench.baseline import worktree
from bench.bench_import import AS_OF_SEED, serve_sandbox
from bench.browser_app import CHROMIUM, CHROMIUM_ARGS, ROOT, app_server
from mapping import OPEN_STATUSES
from mapping.dates import london_today
from sandbox.kashflow_data import generate
from sandbox.kashflow_server import DEMO_MEMORABLE_WORD, DEMO_PASSWORD, DEMO_USERNAME

BASELINE = "00c4634"
SEARCH = "Invoice, customer code or debtor name"
TIMEOUT_MS = int(os.environ.get("BENCH_TIMEOUT_MS", "600000"))
NARROW_TARGET = 25

# In the page, from ``arm()`` on: whether a script run started and finished, and for every
# frame whether any canvas was drawn on in it. The grid is a canvas; its accessible copy of the
# visible cells (the ``td``s) is how a script can read the rows, but Chromium updates that copy
# about a quarter of a second after the canvas shows them. So a result is *confirmed* by the
# copy, and *timed* by the frames: the later of the last frame that drew on a canvas before
# the confirmation (the grid's picture was final from then on) and, for a filter, the first
# frame after the script run finished with "Showing N of" saying the expected count. Any draw
# counts (the totals table is a canvas too), so a figure can only come out late, never early.
ARM = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__benchObserver) window.__benchObserver.disconnect();
  if (window.__bench) window.__bench.stopped = true;
  const seen = window.__bench = {ran: false, done: false, stopped: false, drew: false,
                                 frames: [], t0: performance.now()};
  if (!window.__benchDrawing) {  // once per page: note each draw on any 2D canvas
    window.__benchDrawing = true;
    const context = CanvasRenderingContext2D.prototype;
    for (const name of ['fillText', 'fillRect', 'drawImage', 'fill', 'stroke', 'clearRect']) {
      const draw = context[name];
      context[name] = function (...args) {
        if (window.__bench) window.__bench.drew = true;
        return draw.apply(this, args);
      };
    }
  }
  window.__benchObserver = new MutationObserver(() => {
    const state = app.getAttribute('data-test-script-state');
    if (state === 'running') seen.ran = true;
    if (seen.ran && state === 'notRunning') seen.done = true;
  });
  window.__benchObserver.observe(app, {attributes: true});
  const frame = () => {
    if (seen.stopped) return;
    // textContent, not innerText: reading the text must not make the page lay itself out.
    const main = document.querySelector('[data-testid="stMain"]');
    const match = main && main.textContent.match(/Showing ([\\d,]+) of/);
    seen.frames.push({t: performance.now() - seen.t0, drew: seen.drew, done: seen.done,
                      showing: match ? Number(match[1].replaceAll(',', '')) : null});
    seen.drew = false;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}"""
# Seconds from ``arm()`` to the frame from which the page showed what it shows now (see ARM);
# the argument is the count "Showing N of" must say, or null for a page still loading.
SHOWN_SINCE = """(count) => {
  const seen = window.__bench;
  seen.stopped = true;
  const frames = seen.frames;
  let drawn = -1;
  frames.forEach((f, i) => { if (f.drew) drawn = i; });
  let counted = 0;
  if (count !== null) {
    counted = frames.findIndex(f => f.done && f.showing === count);
    if (counted < 0) counted = frames.length - 1;
  }
  return frames[Math.max(drawn, counted, 0)].t / 1000;
}"""
# Any grid cell (the grid's accessible copy of the visible cells) reading ``first``.
FIRST_ROWS = """(first) => Array.from(
  document.querySelectorAll('[data-testid="stDataFrame"] td')
).some(td => td.textContent === first)"""
NO_GRID = """() => !document.querySelector('[data-testid="stDataFrame"]')"""
# The run finished, "Showing N of" says ``count``, and the last grid has the ``first`` invoice.
SHOWN = """([count, first]) => {
  if (!window.__bench || !window.__bench.done) return false;
  const text = document.querySelector('[data-testid="stMain"]').textContent;
  const match = text.match(/Showing ([\\d,]+) of/);
  if (!match || Number(match[1].replaceAll(',', '')) !== count) return false;
  const grids = document.querySelectorAll('[data-testid="stDataFrame"]');
  if (!grids.length) return false;
  return Array.from(grids[grids.length - 1].querySelectorAll('td'))
    .some(td => td.textContent === first);
}"""


@dataclass(frozen=True)
class Result:
    """What a filter shows: how many invoices, and the first (lowest number) of them."""

    count: int
    first: str


@dataclass(frozen=True)
class Books:
    """What the sandbox's books make the page show, worked out from the books themselves."""

    everything: Result
    narrow_search: str
    narrow: Result
    wide_days: int  # "Days overdue ≤" this keeps nearly every invoice (95%)
    wide: Result


def books_facts(invoices: int, customers: int) -> Books:
    dataset = generate(
        seed=AS_OF_SEED,
        invoices=invoices,
        customers=customers,
        status_weights={status: 1.0 for status in OPEN_STATUSES},
        credit_notes=0,
    )
    numbers = sorted(int(n) for n in dataset.open_invoice_numbers())
    today = london_today()
    days = {int(i.number): max(0, (today - i.due).days) for i in dataset.invoices if i.is_open}
    wide_days = sorted(days.values())[int(len(days) * 0.95)]
    wide = [number for number in numbers if days[number] <= wide_days]
    search, narrow = _narrow_search(dataset, numbers)
    return Books(
        everything=Result(len(numbers), str(numbers[0])),
        narrow_search=search,
        narrow=Result(len(narrow), str(narrow[0])),
        wide_days=wide_days,
        wide=Result(len(wide), str(wide[0])),
    )


def _narrow_search(dataset, numbers: list[int]) -> tuple[str, list[int]]:
    """Digits found in about 25 invoice numbers and in no customer's code or name (the search
    also looks there), and the numbers it finds."""
    names = " ".join(f"{c.code} {c.detail.get('Name', '')}" for c in dataset.customers) + " ".join(
        i.customer_name for i in dataset.invoices
    )
    best: tuple[int, str] | None = None
    for length in (3, 4, 5):
        counts = Counter(
            part
            for number in numbers
            for part in {str(number)[i : i + length] for i in range(len(str(number)) - length + 1)}
        )
        for part, count in counts.items():
            if part in names:
                continue
            distance = abs(count - NARROW_TARGET)
            if best is None or distance < best[0]:
                best = (distance, part)
    assert best is not None
    return best[1], [n for n in numbers if best[1] in str(n)]


def wait_for_app(page: Page) -> None:
    page.wait_for_timeout(150)
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=TIMEOUT_MS
    )
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=TIMEOUT_MS
    )


class Session:
    """One analyst's browser tab on one app server, connected to the sandbox company."""

    def __init__(self, browser: Browser, url: str, width: int = 1440) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.goto(url)
        wait_for_app(self.page)
        self.page.get_by_label("KashFlow login email").fill(DEMO_USERNAME)
        self.page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        self.page.get_by_role("textbox", name="Memorable word (all of it)").fill(
            DEMO_MEMORABLE_WORD
        )
        self.page.get_by_role("button", name="Connect", exact=True).click()
        wait_for_app(self.page)
        self.page.get_by_text(re.compile("Connected to")).first.wait_for()

    def close(self) -> None:
        self.context.close()

    def timed(self, act, expected: Result) -> float:
        """Seconds from ``act()`` to the page showing ``expected`` after a full script run."""
        self.page.evaluate(ARM)
        act()
        self.page.wait_for_function(
            SHOWN, arg=[expected.count, expected.first], polling="raf", timeout=TIMEOUT_MS
        )
        return self.page.evaluate(SHOWN_SINCE, expected.count)

    def open_review(self, books: Books, on_first_rows=None) -> tuple[float, float]:
        """(seconds to the first rows visible, seconds to the whole page) after the click on
        "Review invoices" (from the Connect page: each visit imports afresh)."""
        page = self.page
        if "/review" in page.url:
            page.get_by_role("link", name="Connect", exact=True).first.click()
            # Gone from Review: no grid left on screen to be taken for the new one.
            page.wait_for_function(NO_GRID, polling="raf", timeout=TIMEOUT_MS)
            wait_for_app(page)
        page.evaluate(ARM)
        started = time.perf_counter()
        page.get_by_role("link", name="Review invoices").first.click()
        page.wait_for_function(
            FIRST_ROWS, arg=books.everything.first, polling="raf", timeout=TIMEOUT_MS
        )
        first = page.evaluate(SHOWN_SINCE, None)
        if on_first_rows is not None:
            on_first_rows()
        page.wait_for_function(
            SHOWN,
            arg=[books.everything.count, books.everything.first],
            polling="raf",
            timeout=TIMEOUT_MS,
        )
        return first, time.perf_counter() - started

    def search(self, text: str) -> None:
        box = self.page.get_by_test_id("stSidebar").get_by_placeholder(SEARCH)
        box.fill(text)
        box.press("Enter")

    def days_up_to(self, days: int) -> None:
        box = self.page.get_by_test_id("stSidebar").get_by_label("Days overdue ≤")
        box.fill(str(days))
        box.press("Enter")

    def clear_filters(self) -> None:
        sidebar = self.page.get_by_test_id("stSidebar")
        sidebar.get_by_role("button", name="Clear filters").click()

    def filter_changes(self, books: Books) -> dict[str, float]:
        narrow = self.timed(lambda: self.search(books.narrow_search), books.narrow)
        wait_for_app(self.page)
        self.search("")
        wait_for_app(self.page)
        wide = self.timed(partial(self.days_up_to, books.wide_days), books.wide)
        wait_for_app(self.page)
        cleared = self.timed(self.clear_filters, books.everything)
        wait_for_app(self.page)
        return {"narrow": narrow, "wide": wide, "clear": cleared}


MEASURES = ("first rows", "all ready", "narrow", "wide", "clear")


def measure_size(browser: Browser, apps: dict[str, str], books: Books, runs: int):
    """Per app, per measure, the seconds of each run (the apps take turns)."""
    timings = {label: {m: [] for m in MEASURES} for label in apps}
    sessions = {label: Session(browser, url) for label, url in apps.items()}
    try:
        for _ in range(runs):
            for label, session in sessions.items():
                first, ready = session.open_review(books)
                timings[label]["first rows"].append(first)
                timings[label]["all ready"].append(ready)
                wait_for_app(session.page)
                for name, seconds in session.filter_changes(books).items():
                    timings[label][name].append(seconds)
    finally:
        for session in sessions.values():
            session.close()
    return timings


def take_screenshots(browser: Browser, url: str, books: Books, folder: Path) -> None:
    """This checkout's review page at 1366 and 1440 px: the top while loading and when
    finished, the grid (scrolled to its heading) finished, on page 2 and filtered, then the
    page after a reload and from a deep link."""
    folder.mkdir(parents=True, exist_ok=True)
    size = books.everything.count
    for width in (1366, 1440):
        session = Session(browser, url, width=width)
        page = session.page

        def shot(step: str, page: Page = page, width: int = width, grid: bool = False) -> None:
            if grid:
                heading = page.get_by_role("heading", name="Invoices", exact=True)
                heading.evaluate("element => element.scrollIntoView({block: 'start'})")
                page.wait_for_timeout(300)  # the grid's canvas draws the rows now in view
            page.screenshot(path=str(folder / f"review-{size}-{width}-{step}.png"))

        session.open_review(books, on_first_rows=partial(shot, "1-loading"))
        wait_for_app(page)
        shot("2-finished")
        shot("3-finished-grid", grid=True)
        page.get_by_role("button", name="Next").click()
        wait_for_app(page)
        shot("4-page-2", grid=True)
        session.timed(partial(session.search, books.narrow_search), books.narrow)
        shot("5-filtered", grid=True)
        session.clear_filters()
        wait_for_app(page)
        page.reload()
        wait_for_app(page)
        page.get_by_text(re.compile(r"Showing [\d,]+ of")).first.wait_for(timeout=TIMEOUT_MS)
        wait_for_app(page)
        shot("6-after-reload")
        session.close()
        deep = browser.new_context(viewport={"width": width, "height": 900})
        fresh = deep.new_page()
        fresh.goto(url + "/review")
        wait_for_app(fresh)
        fresh.get_by_text(re.compile(r"Showing [\d,]+ of")).first.wait_for(timeout=TIMEOUT_MS)
        fresh.screenshot(path=str(folder / f"review-{size}-{width}-7-deep-link.png"))
        deep.close()


def _figure(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):6.2f} ({min(values):.2f}–{max(values):.2f})"


LABELS = {
    "first rows": "Review → first rows visible",
    "all ready": "Review → all rows ready",
    "narrow": "filter → {narrow} shown",
    "wide": "filter → {wide} shown",
    "clear": "Clear filters → {all} shown",
}


def report(results, runs: int) -> None:
    print(f"\nMedians of {runs} runs in seconds (min–max); ratio = baseline ÷ now.")
    header = f"{'invoices':>9}  {'what':<32}{'baseline':>22}{'now':>22}{'ratio':>8}"
    print(header)
    print("-" * len(header))
    for size, (books, timings) in results.items():
        for measure in MEASURES:
            label = LABELS[measure].format(
                narrow=books.narrow.count, wide=books.wide.count, all=books.everything.count
            )
            now = timings["now"][measure]
            base = timings.get("baseline", {}).get(measure, [])
            ratio = (
                f"{statistics.median(base) / statistics.median(now):7.1f}×" if base and now else ""
            )
            print(f"{size:>9,}  {label:<32}{_figure(base):>22}{_figure(now):>22}{ratio:>8}")
    print("Server time only (AppTest, no browser, no websocket): python -m bench.bench_review")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,20000,50000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default=BASELINE, help="commit of the baseline grid")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--screenshots", type=Path, help="folder for this checkout's pages")
    parser.add_argument("--screenshot-size", type=int, default=20_000, help="of these books")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    results = {}
    with contextlib.ExitStack() as stack, sync_playwright() as playwright:
        baseline_root = None if args.no_baseline else stack.enter_context(worktree(args.baseline))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in sizes:
            customers = max(50, size // 5)
            urls, stop = multiprocessing.Queue(), multiprocessing.Event()
            child = multiprocessing.Process(
                target=serve_sandbox, args=(size, customers, 0, urls, stop), daemon=True
            )
            child.start()
            try:
                books = books_facts(size, customers)
                kashflow_url, _ = urls.get(timeout=300)
                env = {"KASHFLOW_BASE_URL": kashflow_url}
                with contextlib.ExitStack() as servers:
                    apps = {"now": servers.enter_context(app_server(ROOT, env))}
                    if baseline_root is not None:
                        apps["baseline"] = servers.enter_context(app_server(baseline_root, env))
                    print(
                        f"{size:,} invoices: search {books.narrow_search!r} → "
                        f"{books.narrow.count}, days overdue ≤ {books.wide_days} → "
                        f"{books.wide.count}",
                        flush=True,
                    )
                    results[size] = (books, measure_size(browser, apps, books, args.runs))
                    if args.screenshots and size == args.screenshot_size:
                        take_screenshots(browser, apps["now"], books, args.screenshots)
            finally:
                stop.set()
                child.join(timeout=10)
        browser.close()
    report(results, args.runs)


if __name__ == "__main__":
    main()

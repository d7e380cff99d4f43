#!/usr/bin/env bash
# Rerun the test suite with the clock moved ahead, to catch tests that only pass before some
# day (a "future" due date written as a literal, an expectation tied to today's date, ...).
# Not part of CI. Needs libfaketime (Debian: apt-get install -y faketime). It is preloaded
# directly (LD_PRELOAD + FAKETIME), not through the `faketime` wrapper: the wrapper's shared
# clock (FAKETIME_SHARED) and its -m variant crashed the threaded test run now and then.
#
#   tests/run_with_clock_ahead.sh                      # whole suite, one year ahead
#   CLOCK_AHEAD=+730d tests/run_with_clock_ahead.sh    # two years ahead
#   tests/run_with_clock_ahead.sh tests/unit -x        # any pytest arguments
#   CLOCK_AHEAD=+365d,+730d tests/run_with_clock_ahead.sh   # several offsets in turn
#
# Every process the tests start (the CLI, the Streamlit server) inherits the moved clock, except
# Chromium: it does not start under libfaketime, so it runs through
# tests/clock_ahead/chromium-real-clock (the browser's clock never judges a due date). The
# monotonic clock is left alone (DONT_FAKE_MONOTONIC=1), so timeouts and backoff waits behave as
# usual; tests/clock_ahead/sitecustomize.py (put on PYTHONPATH here) works around libfaketime's
# broken time.sleep on Python 3.11+. If the browser tests ever misbehave under libfaketime,
# run them without it and the rest with it:
#   tests/run_with_clock_ahead.sh --ignore=tests/e2e   and   .venv/bin/python -m pytest tests/e2e
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${LIBFAKETIME:-}" ]; then
    for candidate in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
        if [ -e "$candidate" ]; then LIBFAKETIME="$candidate"; break; fi
    done
fi
if [ -z "${LIBFAKETIME:-}" ] || [ ! -e "$LIBFAKETIME" ]; then
    echo "libfaketime is not installed (Debian/Ubuntu: apt-get install -y faketime)" >&2
    exit 2
fi
PYTHON="${PYTHON:-.venv/bin/python}"
export PYTHONPATH="$PWD/tests/clock_ahead${PYTHONPATH:+:$PYTHONPATH}"
export CHROMIUM_REAL_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export CHROMIUM_PATH="$PWD/tests/clock_ahead/chromium-real-clock"
status=0
IFS=',' read -ra offsets <<<"${CLOCK_AHEAD:-+365d}"
for offset in "${offsets[@]}"; do
    fake=(env LD_PRELOAD="$LIBFAKETIME" FAKETIME="$offset" DONT_FAKE_MONOTONIC=1)
    echo "=== clock ${offset}: $("${fake[@]}" date '+%Y-%m-%d %H:%M %Z') ===" >&2
    # libfaketime 0.9.10 wraps pthread_cond_timedwait, which the GIL uses all the time; under
    # the threads of the Streamlit AppTests the interpreter now and then dies of a signal
    # (SIGSEGV). That says nothing about the tests, so a run killed by a signal is run again.
    for attempt in 1 2 3; do
        result=0
        "${fake[@]}" "$PYTHON" -m pytest -q "$@" || result=$?
        if [ "$result" -le 128 ]; then break; fi
        echo "=== clock ${offset}: pytest died of signal $((result - 128)) (libfaketime)," \
            "run ${attempt} of 3 ===" >&2
    done
    if [ "$result" -ne 0 ]; then status=$result; fi
done
exit "$status"

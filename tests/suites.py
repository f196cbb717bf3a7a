"""The whole suite in two processes side by side (issue #19).

    from outside   the browser journeys (tests/browser) and the fuzzer (tests/test_fuzz.py): they
                   drive the site over HTTP as a reader or an attacker would
    from inside    every other test, under branch coverage when --coverage is given

The browser tests spend much of their time waiting on Chromium, which works in processes of its
own; the rest is pure Python. On this two-core machine the two together take little more than
the longer of them, instead of their sum. Coverage measures the inside suite only: it reaches
98% of branches alone, and tracing the live server would slow the journeys without adding to
it. The inside suite prints as it goes and the other's output follows it whole, then how long
each took; the exit status is the first failure's. Any further options go to both pytests.

    python -m tests.suites [--coverage] [pytest options...]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = ["tests/browser", "tests/test_fuzz.py"]
SUITES = {
    "inside": ["tests", *(f"--ignore={path}" for path in OUTSIDE)],
    "outside": OUTSIDE,
}
SHOWN_LIVE = "inside"
OUTSIDE_NICENESS = 10


def _command(paths: list[str], *, coverage: bool, extra: list[str]) -> list[str]:
    runner = [sys.executable, "-m", "coverage", "run", "-m"] if coverage else [sys.executable, "-m"]
    return [*runner, "pytest", *paths, *extra]


def _lower_priority() -> None:
    """The outside suite runs Chromium's several processes against the inside suite's one: at
    equal priority the scheduler gives them most of the machine and the inside suite finishes
    long after. A lower priority lets the inside suite have a core throughout."""
    os.nice(OUTSIDE_NICENESS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coverage", action="store_true", help="measure the inside suite")
    options, extra = parser.parse_known_args(argv)

    started = time.monotonic()
    seconds: dict[str, float] = {}
    codes: dict[str, int] = {}
    with ExitStack() as stack:
        logs = {
            name: stack.enter_context(tempfile.TemporaryFile(mode="w+"))
            for name in SUITES
            if name != SHOWN_LIVE
        }
        processes = {
            name: subprocess.Popen(
                _command(paths, coverage=options.coverage and name == SHOWN_LIVE, extra=extra),
                cwd=ROOT,
                # Each suite creates its own test database (certcatalog/test_settings.py).
                env={**os.environ, "TEST_DATABASE_SUFFIX": name},
                stdout=logs.get(name),
                stderr=subprocess.STDOUT if name in logs else None,
                preexec_fn=None if name == SHOWN_LIVE else _lower_priority,
            )
            for name, paths in SUITES.items()
        }

        def _wait(name: str) -> None:
            codes[name] = processes[name].wait()
            seconds[name] = time.monotonic() - started

        waiters = [threading.Thread(target=_wait, args=(name,)) for name in processes]
        for waiter in waiters:
            waiter.start()
        for waiter in waiters:
            waiter.join()

        for name, log in logs.items():
            log.seek(0)
            print(f"\n== {name} suite", flush=True)
            sys.stdout.write(log.read())

    print("\n== suite times, side by side")
    for name in SUITES:
        outcome = "passed" if codes[name] == 0 else f"failed (exit {codes[name]})"
        print(f"  {name:<12} {seconds[name]:6.1f} s  {outcome}")
    print(f"  {'together':<12} {time.monotonic() - started:6.1f} s", flush=True)
    return next((code for code in codes.values() if code), 0)


if __name__ == "__main__":
    sys.exit(main())

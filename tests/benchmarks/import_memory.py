"""The import's peak memory at two file sizes (issue #22): it reads, checks and writes a chunk of
rows at a time, so a file ten times longer should need about the same memory.

    python -m tests.benchmarks.import_memory [ROWS ...]     (default: 2000 20000)

For each size, a file of that many new programs (the seed's six copied as drafts under new
slugs: the columns the import reads, no citations or role fits, texts cut short) is made from
the export, then `manage.py import_programs` runs in a process of its own on a fresh seeded
SQLite database: with row 2 refused, so the other rows are only read and checked (the default),
or with every row written (IMPORT_WRITE=1, slower: every program is created with its history).
Prints each run's peak resident memory (the import process's own ru_maxrss) and time.
DATABASE_URL=postgres://... runs it on PostgreSQL.
"""

import csv
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks import server


def _write_file(rows: int, path: str, *, refuse_row_2: bool) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certcatalog.settings")
    django.setup()
    from programs import exchange, exports
    from programs.models import Program

    text = "".join(exports.csv_lines(Program.objects.order_by("pk"), page_url=lambda p: ""))
    records = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    seed = [dict(zip(records[0], row, strict=True)) for row in records[1:]]
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(exchange.EDITABLE_COLUMNS)
        for i in range(rows):
            row = dict(seed[i % len(seed)])
            row["slug"] = f"{row['slug'][:60]}-copy-{i}"
            row["name"] = f"{row['name']} (copy {i})"
            # A draft needs no citations or role fits; without them, and with its longer texts
            # cut to 60 characters, a row is under 1 KB, so 20,000 rows fit in 20 MB.
            row["status"] = "draft"
            row["citations"] = row["role_fits"] = "[]"
            for column in ("summary", "best_for", "trade_offs", "source_note", "prerequisites"):
                row[column] = row[column][:60]
            if refuse_row_2 and i == 0:
                row["price_amount"] = "abc"
            writer.writerow([row[column] for column in exchange.EDITABLE_COLUMNS])


def _database(tmp: str, label: str) -> dict:
    url = f"sqlite:///{tmp}/{label}.sqlite3"
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        url = server.recreate_postgres_database(
            f"certcatalog_import_{label}", os.environ["DATABASE_URL"]
        )
    return server.seeded_env(url)


def _measure(rows: int, tmp: str, *, write: bool) -> tuple[float, float, float, int]:
    label = f"{'write' if write else 'check'}{rows}"
    env = _database(tmp, label)
    path = f"{tmp}/{label}.csv"
    subprocess.run(
        [server.PYTHON, "-m", "tests.benchmarks.import_memory", "--file", str(rows), path]
        + ([] if write else ["--refuse-row-2"]),
        cwd=server.ROOT,
        env=env,
        check=True,
    )
    done = subprocess.run(
        [server.PYTHON, "-m", "tests.benchmarks.import_memory", "--import", path],
        cwd=server.ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if not done.stdout.startswith("peak"):
        raise SystemExit(done.stderr[-3000:])
    _, base, peak, seconds = done.stdout.split()
    return float(base) / 1024, float(peak) / 1024, float(seconds), Path(path).stat().st_size


def _import(path: str) -> None:
    """Run the command in this process and print its own peak resident memory (KiB) before and
    after, and the time it took."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certcatalog.settings")
    django.setup()
    from django.core.management import CommandError, call_command

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    err = io.StringIO()
    try:
        call_command("import_programs", path, verbosity=0, stdout=io.StringIO(), stderr=err)
    except CommandError:
        if "row 2, price_amount" not in err.getvalue() or "row 3" in err.getvalue():
            raise
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("peak", base, peak, f"{seconds:.1f}")


def main(sizes: list[int]) -> None:
    write = os.environ.get("IMPORT_WRITE") == "1"
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sorted(sizes):
            base, peak, seconds, size = _measure(rows, tmp, write=write)
            mode = "written" if write else "checked (row 2 refused, nothing written)"
            print(
                f"{rows:>6,} rows ({size / 1024 / 1024:.1f} MB), {mode}: peak RSS {peak:,.0f} "
                f"MiB ({base:,.0f} MiB before the import), {seconds:,.1f} s"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--import"]:
        _import(sys.argv[2])
    elif sys.argv[1:2] == ["--file"]:
        _write_file(int(sys.argv[2]), sys.argv[3], refuse_row_2="--refuse-row-2" in sys.argv)
    else:
        main([int(n) for n in sys.argv[1:]] or [2000, 20000])

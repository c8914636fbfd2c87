"""Command line of the benchmark harness (see bench/README.md)."""

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/disputedesk_bench"
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser("seed", help="create the database and generate the data")
    seed.add_argument("--disputes", type=int, default=10_000)
    seed.add_argument("--database-url", default=DEFAULT_URL)
    run = commands.add_parser("run", help="time every operation beside its SQL floor")
    run.add_argument("--database-url", default=DEFAULT_URL)
    run.add_argument("--only", help="operation names split by ';' (default: all)")
    run.add_argument("--seconds", type=float, default=3.0, help="time spent on each operation")
    run.add_argument("--http", action="store_true", help="drive gunicorn on 127.0.0.1 instead")
    run.add_argument("--markdown", help="append the table to this file")
    args = parser.parse_args(argv)
    args.database_url = absolute_sqlite(args.database_url)
    if args.command == "seed":
        from bench.seed import seed as do_seed

        do_seed(args.database_url, args.disputes, datetime.now(UTC).replace(microsecond=0))
    else:
        from bench.run import run as do_run

        # ";" between names: some names hold commas ("SLA sweep, 1,000 due").
        only = [name.strip() for name in args.only.split(";")] if args.only else None
        do_run(args.database_url, only, args.seconds, http=args.http, markdown=args.markdown)


def absolute_sqlite(url: str) -> str:
    """A relative SQLite path is the working directory's (Flask would read it as the instance
    folder's, and the seed would write one file while the app opened another)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.startswith(prefix + "/") or url == prefix:
        return url
    return prefix + str(Path(url.removeprefix(prefix)).resolve())


if __name__ == "__main__":
    main()

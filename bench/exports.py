"""`python -m bench.exports`: the month's credit-memo downloads over HTTP on bench data.

Finds the month with the most issued memos on a seeded bench database, starts gunicorn (its
default 30 s worker timeout, as in production), signs in as the admin and downloads that
month's credits as XLSX and CSV, timing each and counting the rows that came back.

    .venv/bin/python -m bench.exports --database-url postgresql://…/disputedesk_bench_1000000
"""

import argparse
import http.client
import io
import time

from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from bench.__main__ import DEFAULT_URL
from bench.data import BENCH_EMAIL
from bench.http import free_port, sign_in, start_gunicorn

BUSIEST = text("""
    SELECT to_char(issued_at AT TIME ZONE 'America/Chicago', 'YYYY-MM') AS month, count(*)
    FROM credit_memos WHERE status = 'issued' GROUP BY 1 ORDER BY 2 DESC LIMIT 1
""")


def download(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request("GET", path, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.read(), time.perf_counter() - started
    finally:
        conn.close()


def rows_in(fmt: str, body: bytes) -> int:
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        return sum(1 for _ in sheet.iter_rows()) - 1
    return body.count(b"\n") - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    with create_engine(url).connect() as connection:
        month, memos = connection.execute(BUSIEST).one()
    port = free_port()
    server = start_gunicorn(args.database_url, port)
    try:
        headers = sign_in(port, BENCH_EMAIL.format(role="admin", n=1))
        print("| month | memos | format | status | seconds | bytes | rows |")
        print("|---|---:|---|---|---:|---:|---:|")
        for fmt in ("xlsx", "csv"):
            status, body, seconds = download(port, f"/reports/credits.{fmt}?month={month}", headers)
            rows = rows_in(fmt, body) if status == 200 else 0
            cells = (month, f"{memos:,}", fmt, status, f"{seconds:.1f}", f"{len(body):,}", rows)
            print("| " + " | ".join(map(str, cells)) + " |")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

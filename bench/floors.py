"""Floors: the rows each operation shows (or the change it makes), by hand-written SQL.

Each floor takes a DB-API cursor on its own connection (psycopg on PostgreSQL, sqlite3 on
SQLite) and the sample. Reads fetch the same rows the page or document shows; writes run the
fewest statements that make the same change, inside a transaction that is rolled back so
the data stays as the operation left it (a commit would add the WAL flush on top).
"""

from datetime import UTC, datetime
from typing import Any

OPEN = "('filed', 'investigating', 'escalated')"
PAGE = 50
ROW = """d.id, d.state, d.priority, d.disputed_amount, d.currency, d.next_due_at, d.filed_at,
         a.name, i.number, u.name"""
JOINS = """FROM disputes d JOIN advertisers a ON a.id = d.advertiser_id
           JOIN invoices i ON i.id = d.invoice_id LEFT JOIN users u ON u.id = d.assignee_id"""
TEAM_ORDER = "ORDER BY d.queue_band, d.next_due_at, d.priority, d.filed_at, d.id"


class Sql:
    """Runs one dialect's SQL: `%s` placeholders, `ANY` lists and row locks made to fit."""

    def __init__(self, cursor: Any, postgres: bool) -> None:
        self.cursor, self.postgres = cursor, postgres

    def rows(self, sql: str, *params: Any) -> list[tuple]:
        self.run(sql, *params)
        return self.cursor.fetchall()

    def run(self, sql: str, *params: Any) -> None:
        if not self.postgres:
            sql = (sql.replace("%s", "?").replace("ILIKE", "LIKE")
                   .replace("FOR UPDATE SKIP LOCKED", "").replace("FOR UPDATE", ""))  # fmt: skip
            params = tuple(_sqlite_value(p) for p in params)
        self.cursor.execute(sql, params)

    def clocks(self, ids: list[int]) -> list[tuple]:
        if not ids:
            return []
        marks = ", ".join(["%s"] * len(ids))
        return self.rows(f"SELECT * FROM sla_clocks WHERE dispute_id IN ({marks}) "
                         "AND stopped_at IS NULL", *ids)  # fmt: skip


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def page_with_clocks(sql: Sql, where: str, *params: Any, order: str = TEAM_ORDER) -> list:
    rows = sql.rows(f"SELECT {ROW} {JOINS} WHERE {where} {order} LIMIT {PAGE}", *params)
    return [rows, sql.clocks([r[0] for r in rows])]


def my_queue(sql: Sql, s: Any) -> Any:
    return page_with_clocks(
        sql,
        f"d.assignee_id = %s AND d.state IN {OPEN}",
        s.analyst.id,
        order="ORDER BY d.next_due_at, d.priority, d.filed_at, d.id",
    )


def team_queue(sql: Sql, s: Any) -> Any:
    return page_with_clocks(sql, "d.team_id = %s AND d.queue_band < 9", s.lead.team_id)


def team_search_name(sql: Sql, s: Any) -> Any:
    return page_with_clocks(
        sql, "d.team_id = %s AND a.name ILIKE %s", s.lead.team_id, s.advertiser_name + "%"
    )


def team_search_invoice(sql: Sql, s: Any) -> Any:
    return page_with_clocks(
        sql, "d.team_id = %s AND i.number = %s", s.lead.team_id, s.invoice_number
    )


def team_search_ref(sql: Sql, s: Any) -> Any:
    return page_with_clocks(
        sql, "d.team_id = %s AND d.id = %s", s.lead.team_id, int(s.case_ref.removeprefix("DSP-"))
    )


def track(sql: Sql, s: Any) -> Any:
    return page_with_clocks(
        sql,
        "(a.sales_owner_id = %s OR a.cs_owner_id = %s) AND a.name ILIKE %s",
        s.viewer.id,
        s.viewer.id,
        s.advertiser_name[:6] + "%",
        order="ORDER BY d.id DESC",
    )


def inbox(sql: Sql, s: Any) -> Any:
    return sql.rows(
        f"""SELECT m.id, m.amount, m.currency, m.gl_reason, m.created_at, {ROW}
                        FROM credit_memos m JOIN disputes d ON d.id = m.dispute_id
                        JOIN advertisers a ON a.id = d.advertiser_id
                        JOIN invoices i ON i.id = d.invoice_id
                        LEFT JOIN users u ON u.id = d.assignee_id
                        WHERE m.status = 'pending_approval' AND m.preparer_id <> %s
                        ORDER BY m.created_at, m.id LIMIT {PAGE}""",
        s.approver.id,
    )


def case_page(sql: Sql, s: Any) -> Any:
    did = int(s.case_ref.removeprefix("DSP-"))
    return [sql.rows(f"SELECT d.*, {ROW} {JOINS} WHERE d.id = %s", did),
            sql.rows("SELECT l.*, dl.amount FROM disputed_lines dl JOIN invoice_lines l "
                     "ON l.id = dl.invoice_line_id WHERE dl.dispute_id = %s", did),
            sql.rows("SELECT * FROM sla_clocks WHERE dispute_id = %s ORDER BY id", did),
            sql.rows("SELECT * FROM events WHERE dispute_id = %s ORDER BY seq", did),
            sql.rows("SELECT * FROM evidence WHERE dispute_id = %s", did),
            sql.rows("SELECT * FROM credit_memos WHERE dispute_id = %s", did),
            sql.rows("SELECT * FROM comments WHERE dispute_id = %s ORDER BY id", did)]  # fmt: skip


def month_report(sql: Sql, s: Any) -> Any:
    year, month = map(int, s.month.split("-"))
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return sql.rows(
        """SELECT m.*, i.number, a.name FROM credit_memos m
                       JOIN invoices i ON i.id = m.invoice_id
                       JOIN disputes d ON d.id = m.dispute_id
                       JOIN advertisers a ON a.id = d.advertiser_id
                       WHERE m.status = 'issued' AND m.issued_at >= %s AND m.issued_at < %s
                       ORDER BY m.issued_at, m.id""",
        start,
        end,
    )


def api_list(sql: Sql, s: Any) -> Any:
    return page_with_clocks(sql, "1 = 1", order="ORDER BY d.id")


def api_get(sql: Sql, s: Any) -> Any:
    did = int(s.case_ref.removeprefix("DSP-"))
    return [
        sql.rows(f"SELECT d.*, {ROW} {JOINS} WHERE d.id = %s", did),
        sql.rows("SELECT * FROM disputed_lines WHERE dispute_id = %s", did),
        sql.clocks([did]),
    ]


def file_floor(sql: Sql, s: Any) -> Any:
    now = datetime.now(UTC)
    case = sql.rows("SELECT advertiser_id, invoice_id, team_id FROM disputes WHERE id = %s",
                    int(s.case_ref.removeprefix("DSP-")))[0]  # fmt: skip
    sql.run(
        """INSERT INTO disputes (advertiser_id, invoice_id, team_id, reason_code,
               description, disputed_amount, currency, priority, intake_channel, state,
               filed_at, updated_at, version, queue_band, next_due_at)
               VALUES (%s, %s, %s, 'rate_mismatch', 'floor', 10000, 'USD', 'P4', 'api',
               'filed', %s, %s, 1, 0, %s)""",
        *case,
        now,
        now,
        now,
    )
    new = sql.rows("SELECT max(id) FROM disputes")[0][0]
    sql.run(
        "INSERT INTO disputed_lines (dispute_id, invoice_line_id, amount) "
        "SELECT %s, id, 10000 FROM invoice_lines WHERE invoice_id = %s LIMIT 1",
        new,
        case[1],
    )
    for name in ("triage", "resolution"):
        sql.run("""INSERT INTO sla_clocks (dispute_id, name, priority, target_seconds, started_at,
                   at_risk_at, due_at, paused_seconds, status)
                   VALUES (%s, %s, 'P4', 57600, %s, %s, %s, 0, 'running')""",
                new, name, now, now, now)  # fmt: skip
    sql.run(
        """INSERT INTO events (dispute_id, seq, at, actor, type, data, prev_hash, hash)
               VALUES (%s, 1, %s, 'floor', 'filed', '{}', %s, %s)""",
        new,
        now,
        "0" * 64,
        "1" * 64,
    )


def trigger_floor(sql: Sql, s: Any) -> Any:
    now, did = datetime.now(UTC), int(s.investigating[-1].removeprefix("DSP-"))
    sql.rows("SELECT * FROM disputes WHERE id = %s FOR UPDATE", did)
    sql.run("UPDATE disputes SET awaiting_info_since = %s, version = version + 1, "
            "updated_at = %s WHERE id = %s", now, now, did)  # fmt: skip
    last = sql.rows("SELECT seq, hash FROM events WHERE dispute_id = %s ORDER BY seq DESC "
                    "LIMIT 1", did)[0]  # fmt: skip
    sql.run("""INSERT INTO events (dispute_id, seq, at, actor, type, data, prev_hash, hash)
               VALUES (%s, %s, %s, 'floor', 'transition', '{}', %s, %s)""",
            did, last[0] + 1, now, last[1], "2" * 64)  # fmt: skip
    sql.run("UPDATE sla_clocks SET paused_at = %s WHERE dispute_id = %s AND name = "
            "'resolution' AND stopped_at IS NULL", now, did)  # fmt: skip


def claim_floor(sql: Sql, s: Any) -> Any:
    now = datetime.now(UTC)
    found = sql.rows(
        f"""SELECT id FROM disputes WHERE team_id = %s AND state = 'filed'
                         AND assignee_id IS NULL {TEAM_ORDER.replace("d.", "")} LIMIT 1
                         FOR UPDATE SKIP LOCKED""",
        s.analyst.team_id,
    )
    if found:
        sql.run("UPDATE disputes SET assignee_id = %s, queue_band = 2, version = version + 1 "
                "WHERE id = %s", s.analyst.id, found[0][0])  # fmt: skip
        sql.run("""INSERT INTO events (dispute_id, seq, at, actor, type, data, prev_hash, hash)
                   VALUES (%s, 99, %s, 'floor', 'claimed', '{}', %s, %s)""",
                found[0][0], now, "0" * 64, "3" * 64)  # fmt: skip


def sweep_floor(sql: Sql, s: Any) -> Any:
    now = datetime.now(UTC)
    return [sql.rows("SELECT id FROM sla_clocks WHERE status = 'running' AND at_risk_at <= %s "
                     "AND warned_at IS NULL LIMIT 500 FOR UPDATE SKIP LOCKED", now),
            sql.rows("SELECT id FROM sla_clocks WHERE status = 'running' AND due_at <= %s "
                     "LIMIT 500 FOR UPDATE SKIP LOCKED", now)]  # fmt: skip


FLOORS = {
    "my queue": my_queue,
    "team queue": team_queue,
    "team queue search, advertiser name": team_search_name,
    "team queue search, invoice number": team_search_invoice,
    "team queue search, reference": team_search_ref,
    "Track, viewer search": track,
    "approvals inbox": inbox,
    "case page": case_page,
    "month-end report": month_report,
    "API list, first page": api_list,
    "API get one dispute": api_get,
    "file a dispute (API)": file_floor,
    "one trigger (API)": trigger_floor,
    "claim-next (API)": claim_floor,
    "SLA sweep, nothing due": sweep_floor,
}
WRITES = {"file a dispute (API)", "one trigger (API)", "claim-next (API)"}

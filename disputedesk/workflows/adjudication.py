"""Credits decided line by line: what each line may still take, and the amounts a resolve asks for.

Rules (README "Credits per line"):
- A line can be credited at most its billed amount, less what live memos (awaiting approval,
  approved or issued) already credit on it; lines billed at zero or less take no credit.
- A resolve credits each disputed line (every invoice line when the dispute names none) at
  most its disputed amount and what is left on it. `line_credits` names the amounts; without
  them a full credit is each line's disputed amount, and a partial `credit_amount` fills the
  lines in line order. The memo amount is the sum.
- Crediting a line more than the comparison proposed needs a written justification, and the
  memo then counts one tier higher in the approval matrix (workflows/approvals.py).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from disputedesk.workflows.errors import InvalidInput
from disputedesk.workflows.money import BadAmount, format_amount, parse_amount

MAX_LINES = 500  # more line credits than any invoice has lines is not a request to read


@dataclass(frozen=True)
class LineFacts:
    """One line a resolve may credit, with what was credited on it before."""

    line_id: int
    line_no: int
    billed: int  # minor units
    disputed: int  # what this dispute contests on the line
    proposed: int | None  # the comparison's proposed credit; None when it cannot say
    credited_before: int = 0  # by other live memos
    invoice: str = ""  # the line's invoice number; a case may span several invoices

    @property
    def key(self) -> tuple[str, int]:
        return self.invoice, self.line_no

    @property
    def left(self) -> int:
        """What may still be credited on the line."""
        return max(max(self.billed, 0) - self.credited_before, 0)

    @property
    def ceiling(self) -> int:
        return min(self.disputed, self.left)


@dataclass(frozen=True)
class LineDecision:
    facts: LineFacts
    amount: int  # approved credit, minor units

    @property
    def above_proposal(self) -> bool:
        return self.facts.proposed is not None and self.amount > self.facts.proposed


@dataclass(frozen=True)
class Decision:
    lines: tuple[LineDecision, ...]

    @property
    def total(self) -> int:
        return sum(d.amount for d in self.lines)

    @property
    def above_proposal(self) -> bool:
        return any(d.above_proposal for d in self.lines)


def _label(f: LineFacts, lines: Sequence[LineFacts]) -> str:
    """`line 3`, or `INV-2 line 3` when the case's lines are on several invoices."""
    several = len({x.invoice for x in lines}) > 1
    return f"{f.invoice} line {f.line_no}" if several else f"line {f.line_no}"


def _left_text(f: LineFacts, lines: Sequence[LineFacts]) -> str:
    before = f", {format_amount(f.credited_before)} credited before" if f.credited_before else ""
    return f"{_label(f, lines)}: at most {format_amount(f.ceiling)} (disputed " + (
        f"{format_amount(f.disputed)}, billed {format_amount(f.billed)}{before})"
    )


def _named(lines: Sequence[LineFacts], given: object, lead: str) -> list[LineDecision]:
    """The line credits named, each by its line number (and its invoice, when it is not the
    case's own: `lead`)."""
    if not isinstance(given, list) or not given or len(given) > MAX_LINES:
        raise InvalidInput({"line_credits": "a list of {line_no, amount}, one per credited line"})
    by_key = {f.key: f for f in lines}
    seen: set[tuple[str, int]] = set()
    decided = []
    for item in given:
        no = item.get("line_no") if isinstance(item, Mapping) else None
        invoice = (item.get("invoice_number") if isinstance(item, Mapping) else None) or lead
        if isinstance(no, str) and no.isascii() and no.isdigit():
            no = int(no)
        key = (invoice, no)
        if not isinstance(no, int) or isinstance(no, bool) or key not in by_key:
            nos = ", ".join(_label(f, lines).removeprefix("line ") for f in lines)
            named = f"{invoice} line {no}" if invoice != lead else f"line {no}"
            raise InvalidInput({"line_credits": f"{named} is not a disputed line ({nos})"})
        facts = by_key[key]
        if key in seen:
            raise InvalidInput(
                {"line_credits": f"name each line once ({_label(facts, lines)} twice)"}
            )
        seen.add(key)
        try:
            amount = parse_amount(item.get("amount"))
        except BadAmount as error:
            raise InvalidInput(
                {"line_credits": f"{_label(facts, lines)}: amount {error}"}
            ) from None
        if amount > facts.ceiling:
            raise InvalidInput({"line_credits": _left_text(facts, lines)})
        decided.append(LineDecision(facts, amount))
    order = {f.key: i for i, f in enumerate(in_case_order(lines, lead))}
    return sorted(decided, key=lambda d: order[d.facts.key])


def in_case_order(lines: Sequence[LineFacts], lead: str = "") -> list[LineFacts]:
    """The case's own invoice's lines first, then each other invoice's; each in line order."""
    return sorted(lines, key=lambda f: (f.invoice != lead, f.invoice, f.line_no))


def _filled(lines: Sequence[LineFacts], amount: int, lead: str) -> list[LineDecision]:
    """Spread an amount over the lines in the case's order, each up to what it may take."""
    decided, rest = [], amount
    for facts in in_case_order(lines, lead):
        take = min(rest, facts.ceiling)
        if take:
            decided.append(LineDecision(facts, take))
        rest -= take
    if rest:
        room = format_amount(sum(f.ceiling for f in lines))
        raise InvalidInput({"credit_amount": f"at most {room} can be credited on these lines"})
    return decided


def decide_lines(
    outcome: str, lines: Sequence[LineFacts], data: Mapping[str, Any], lead: str = ""
) -> Decision | None:
    """Return the per-line credit a resolve asks for, or None when it names no amount at all.

    `lines` come in the case's order; a line credit without an invoice number is on `lead`,
    the case's own invoice."""
    if data.get("line_credits") is not None:
        decision = Decision(tuple(_named(lines, data["line_credits"], lead)))
        if data.get("credit_amount"):
            try:
                asked = parse_amount(data["credit_amount"])
            except BadAmount as error:
                raise InvalidInput({"credit_amount": str(error)}) from None
            if asked != decision.total:
                total = format_amount(decision.total)
                raise InvalidInput({"credit_amount": f"must be the lines' sum, {total}"})
    elif outcome == "credit_full" and not data.get("credit_amount"):
        if short := [f for f in lines if f.disputed > f.left]:
            raise InvalidInput({"credit_amount": "; ".join(_left_text(f, lines) for f in short)})
        decision = Decision(
            tuple(LineDecision(f, f.disputed) for f in in_case_order(lines, lead) if f.disputed)
        )
    elif isinstance(data.get("credit_amount"), str):
        try:
            amount = parse_amount(data["credit_amount"])
        except BadAmount:
            return None  # the resolve guard names what is wrong with it
        decision = Decision(tuple(_filled(lines, amount, lead)))
    else:
        return None
    justification = data.get("justification")
    if decision.above_proposal and not (isinstance(justification, str) and justification.strip()):
        over = "; ".join(
            f"{_label(d.facts, lines)}: {format_amount(d.amount)} > "
            f"{format_amount(d.facts.proposed)}"
            for d in decision.lines
            if d.above_proposal and d.facts.proposed is not None  # above: there is one
        )
        raise InvalidInput(
            {"justification": f"a credit above the proposal ({over}) needs a written justification"}
        )
    return decision

"""One rule for every figure crmcheck shows: terminal, Markdown, HTML, PDF and JSON.

- A score is first fixed at one decimal, rounding half up (59.45 -> 59.5): that is the figure
  JSON carries. Whole-number displays round that figure half up again (59.5 -> 60), so the
  report's 60 and the JSON's 59.5 never disagree the way 59 beside 59.5 would.
- The readiness index is shown with its decimal (48.5); criteria, processes, sins and targets
  as whole numbers.
- A change is the difference of the two figures as shown (51 -> 59 is +8, whatever the
  decimals behind them), so a reader can check it by subtraction; a change is always printed
  with what it is since.

Standard library only: ``list`` and ``trend`` use it without importing the rest of crmcheck.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

INDEX_DIGITS = 1  # the readiness index
SCORE_DIGITS = 0  # criteria, processes, sins, targets


def fixed(value: float, digits: int = 1) -> float:
    """Round ``value`` half up to ``digits`` decimals, from its shortest decimal spelling.

    Python's ``round`` rounds the binary value half to even, so 0.25 -> 0.2 and 59.45 -> 59.5 or
    59.4 depending on representation; a board member rounding by hand would not.
    """
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def data(value: float | None) -> float | None:
    """Return a score as JSON carries it (one decimal); None stays None (not assessed)."""
    return None if value is None else fixed(value, 1)


def shown(value: float, digits: int = SCORE_DIGITS) -> float:
    """Return the figure a reader sees for ``value`` with ``digits`` decimals (via the one-decimal figure)."""
    return fixed(fixed(value, 1), digits)


def text(value: float | None, digits: int = SCORE_DIGITS, none: str = "—") -> str:
    """Write a score as shown, or ``none`` when not assessed."""
    return none if value is None else f"{shown(value, digits):.{digits}f}"


def change(now: float | None, before: float | None, digits: int = SCORE_DIGITS) -> float | None:
    """Return the change between two figures as shown; None when either is missing."""
    if now is None or before is None:
        return None
    return fixed(shown(now, digits) - shown(before, digits), digits)


def met(value: float, target: float, digits: int = SCORE_DIGITS) -> bool:
    """Return whether a score reaches its target, as shown (a 69.6 shown as 70 meets 70)."""
    return shown(value, digits) >= target


def gap(value: float, target: float, digits: int = SCORE_DIGITS) -> float:
    """Return how far a score is from its target, as shown (target minus the shown score)."""
    return fixed(target - shown(value, digits), digits)


def signed(value: float | None, digits: int = SCORE_DIGITS, none: str = "–") -> str:
    """Write a change (already as shown) with its sign: +6.8, −1, ±0."""
    if value is None:
        return none
    body = f"{abs(value):.{digits}f}"
    if float(body) == 0:
        return "±" + body
    return ("+" if value > 0 else "−") + body

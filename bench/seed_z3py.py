"""What Z3 itself can do: the ten checks of contracts/openai_microsoft.contract,
answered by a hand-written z3py encoding that imports nothing from this project.

The yardstick for ``bench/run.py``: the same questions, the same bounds (at most
2 occurrences of each event, dates as integer days from the effective date to
the horizon, money as integer cents), encoded directly for this one contract.
It does only what answering needs: one solver, each question behind its own
literal, one ``check`` per question. It does not do what ``verify`` adds on top
(the re-check of every proof at 3 occurrences, shrunk unsat cores, witnesses
minimised with ``Optimize``, the replay of every witness in the interpreter,
the built-in analyses, the report), so the ratio of the two is the price of
those and of building the encoding from any contract.

    .venv/bin/python bench/seed_z3py.py

Prints one line per check (``HOLDS``/``FAILS``/``UNKNOWN`` and its id), as
``verify`` does, and exits 0.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import z3

K = 2  # occurrences of each event


def day(iso: str) -> int:
    """A date as the day number ``verify`` uses (proleptic Gregorian ordinal)."""
    return dt.date.fromisoformat(iso).toordinal()


EFFECTIVE, HORIZON = day("2019-07-22"), day("2035-12-31")
WAIVER_FROM = day("2024-06-01")  # §2.1
CAP = 10_000_000_000 * 100  # §2.1: $10B in cents
SUPPLY_DAYS = 90  # §3
MICROSOFT, ORACLE, OTHERCLOUD = range(3)  # kind Provider
OPENAI, OPENAI_BOARD, MICROSOFT_ACTOR = range(3)  # who can act


def occurrences(name: str, params: tuple[str, ...], base: list[Any]) -> list[dict[str, Any]]:
    """K slots of one event: does it happen, on which day, by whom, with which arguments."""
    out = []
    for i in range(K):
        s = {
            "occ": z3.Bool(f"{name}[{i}].occ"),
            "day": z3.Int(f"{name}[{i}].day"),
            "actor": z3.Int(f"{name}[{i}].by"),
        }
        base += [s["day"] >= EFFECTIVE, s["day"] <= HORIZON]
        for p in params:
            s[p] = z3.Int(f"{name}[{i}].{p}")
            base.append(s[p] >= 0)  # cents, or the index of a Provider
            if p in ("from", "software"):
                base.append(s[p] < 3)
        out.append(s)
    return out


def questions() -> tuple[list[Any], list[tuple[str, str, Any]]]:
    """The scenario space and the ten questions as (id, mode, formula); for an
    ``always`` check the formula is a counterexample (givens and not the body)."""
    base: list[Any] = []
    buy = occurrences("BuyCompute", ("from", "amount", "software"), base)
    request = occurrences("RequestCompute", ("amount",), base)
    supply = occurrences("SupplyCompute", ("amount",), base)
    declare = occurrences("DeclareAGI", (), base)
    for b in buy + request:
        base.append(b["actor"] == OPENAI)
    for s in supply:
        base.append(s["actor"] == MICROSOFT_ACTOR)
    for d in declare:
        base.append(z3.Or(d["actor"] == OPENAI, d["actor"] == OPENAI_BOARD, d["actor"] == MICROSOFT_ACTOR))

    # §2 forbids buying from anyone but Microsoft; §2.1 permits Oracle from the waiver date, up to the cap,
    # with Microsoft software. The contract never ends (no termination clause), so both apply throughout.
    def waived(b: dict[str, Any]) -> Any:
        return z3.And(
            b["day"] >= WAIVER_FROM, b["from"] == ORACLE, b["amount"] <= CAP, b["software"] == MICROSOFT
        )

    breach_openai = z3.Or([z3.And(b["occ"], b["from"] != MICROSOFT, z3.Not(waived(b))) for b in buy])

    # §3: a request owes a supply of at least that amount within 90 days; missed when the deadline passes
    # within the horizon.
    def met(r: dict[str, Any]) -> Any:
        return z3.Or(
            [
                z3.And(
                    s["occ"],
                    s["day"] >= r["day"],
                    s["day"] <= r["day"] + SUPPLY_DAYS,
                    s["amount"] >= r["amount"],
                )
                for s in supply
            ]
        )

    breach_microsoft_s3 = z3.Or(
        [z3.And(r["occ"], r["day"] + SUPPLY_DAYS <= HORIZON, z3.Not(met(r))) for r in request]
    )

    # §7/§7.1: only the board's declaration is effective; it ends the access from the next day.
    effective_declaration = [z3.And(d["occ"], d["actor"] == OPENAI_BOARD) for d in declare]

    def access(t: Any) -> Any:
        return z3.And(
            t >= EFFECTIVE,
            z3.Not(
                z3.Or(
                    [
                        z3.And(e, d["day"] + 1 <= t)
                        for e, d in zip(effective_declaration, declare, strict=True)
                    ]
                )
            ),
        )

    def buys(cond: Any) -> Any:
        return z3.Or([z3.And(b["occ"], cond(b)) for b in buy])

    def declared(actor: int, on: int | None = None) -> Any:
        return z3.Or(
            [z3.And(d["occ"], d["actor"] == actor, *([d["day"] == on] if on else [])) for d in declare]
        )

    t7, t8 = z3.Int("t.after_declaration"), z3.Int("t.until_horizon")
    qs = [
        (
            "oracle_within_waiver",
            "possible",
            z3.And(buys(lambda b: z3.And(b["from"] == ORACLE, b["amount"] <= CAP)), z3.Not(breach_openai)),
        ),
        (
            "oracle_above_cap",
            "never",
            z3.And(buys(lambda b: z3.And(b["from"] == ORACLE, b["amount"] > CAP)), z3.Not(breach_openai)),
        ),
        (
            "oracle_before_waiver",
            "never",
            z3.And(
                buys(lambda b: z3.And(b["from"] == ORACLE, b["day"] < WAIVER_FROM)), z3.Not(breach_openai)
            ),
        ),
        ("other_provider", "never", z3.And(buys(lambda b: b["from"] == OTHERCLOUD), z3.Not(breach_openai))),
        ("exit_via_agi", "possible", z3.And(z3.Not(access(z3.IntVal(HORIZON))), z3.Not(breach_openai))),
        (
            "access_after_declaration",
            "always",
            z3.And(declared(OPENAI_BOARD, day("2026-03-01")), access(z3.IntVal(day("2027-01-01")))),
        ),
        (
            "no_access_after_agi",
            "always",
            z3.And(
                z3.Or(
                    [z3.And(e, d["day"] < t7) for e, d in zip(effective_declaration, declare, strict=True)]
                ),
                t7 <= HORIZON,
                access(t7),
            ),
        ),
        (
            "access_without_declaration",
            "always",
            z3.And(z3.Not(declared(OPENAI_BOARD)), t8 >= EFFECTIVE, t8 <= HORIZON, z3.Not(access(t8))),
        ),
        (
            "microsoft_cannot_declare",
            "always",
            z3.And(
                declared(MICROSOFT_ACTOR), z3.Not(declared(OPENAI_BOARD)), z3.Not(access(z3.IntVal(HORIZON)))
            ),
        ),
        ("supply_breach", "possible", breach_microsoft_s3),
    ]
    return base, qs


def answer(base: list[Any], qs: list[tuple[str, str, Any]]) -> list[tuple[str, str]]:
    """(id, verdict) for each question: one solver, one literal per question."""
    solver = z3.Solver()
    solver.add(base)
    out = []
    for qid, mode, formula in qs:
        lit = z3.Bool(f"ask.{qid}")
        solver.add(z3.Implies(lit, formula))
        res = solver.check(lit)
        if res == z3.unknown:
            out.append((qid, "unknown"))
        elif mode == "possible":
            out.append((qid, "holds" if res == z3.sat else "fails"))
        else:  # never / always: a scenario is a counterexample
            out.append((qid, "holds" if res == z3.unsat else "fails"))
    return out


def main() -> int:
    verdicts = answer(*questions())
    for qid, verdict in verdicts:
        sys.stdout.write(f"{verdict.upper():<8}{qid}\n")
    n = {v: sum(1 for _, x in verdicts if x == v) for v in ("holds", "fails", "unknown")}
    sys.stdout.write(
        f"\n{len(verdicts)} checks: {n['holds']} hold, {n['fails']} fail, {n['unknown']} unknown\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""From a verification to the text ``verify`` prints: each check's verdict, explanation,
cited clauses and scenario, then the findings and a summary line.
"""

from __future__ import annotations

import textwrap

from dsl.literals import format_date, format_value
from verifier.smt.outcome import Agreement
from verifier.verify.explain import bounds_words, clause_where, coverage_words, describe_event
from verifier.verify.results import Verdict, Verification
from verifier.verify.whatif import Comparison, DiffStatus


def to_text(v: Verification, timings: bool = False) -> str:
    c = v.contract
    lines = [
        f"{c.title}",
        f"  file: {c.file}",
        f"  bounds: {bounds_words(v.bound)}; dates {format_date(c.effective)} to {format_date(c.horizon)}",
        "",
    ]
    mark = {Verdict.HOLDS: "HOLDS  ", Verdict.FAILS: "FAILS  ", Verdict.UNKNOWN: "UNKNOWN"}
    for r in v.results:
        head = f"{mark[r.verdict]} {r.id}: {r.title}"
        if timings:
            head += f"  ({r.seconds:.3f}s)"
        lines.append(head)
        lines += _wrapped(f"{r.kind}: {r.explanation}")
        if r.reach is not None:
            lines += _wrapped(f"coverage: {coverage_words(r.reach)}")
        if r.confirmation is not None:
            lines += _wrapped(f"second opinion: {r.confirmation.words()}")
        if r.clauses:
            lines.append("  clauses:")
            for cid in r.clauses:
                cl = c.clauses[cid]
                lines.append(f"    {cid} {cl.title} ({clause_where(c, cid)})")
        if r.scenario is not None:
            lines.append("  scenario" + (" (replayed in the interpreter):" if r.replayed else ":"))
            for o in r.scenario.events:
                lines.append(f"    {describe_event(c, o)}")
            if not r.scenario.events:
                lines.append("    (no events)")
            for k, val in sorted(r.scenario.facts.items()):
                lines.append(f"    fact {k} = {format_value(val, c.facts[k].type)}")
        if r.reason:
            lines.append(f"  note: {r.reason}")
        lines.append("")
    if v.findings:
        lines.append("Findings:")
        for f in v.findings:
            lines.append(f"  {f.severity}[{f.code}]: {f.message}")
            if f.scenario is not None:
                for o in f.scenario.events:
                    lines.append(f"    {describe_event(c, o)}")
        lines.append("")
    if v.unfinished:
        lines.append("Not finished (a limit was reached, so this run is not complete):")
        for u in v.unfinished:
            lines.append(f"  {u.what}: {u.reason}")
        lines.append("")
    s = v.summary()
    lines.append(
        f"{len(v.results)} check{'s' if len(v.results) != 1 else ''}: {s[Verdict.HOLDS]} hold, {s[Verdict.FAILS]} fail, "
        f"{s[Verdict.UNKNOWN]} unknown; {len(v.findings)} finding{'s' if len(v.findings) != 1 else ''}"
        + ("; analyses not finished" if v.unfinished else "")
        + _confirmed_words(v)
        + (f"; {v.seconds:.2f}s" if timings else "")
        + (f" (analyses {v.analyses_seconds:.2f}s)" if timings and v.analyses_seconds else "")
    )
    return "\n".join(lines) + "\n"


def _confirmed_words(v: Verification) -> str:
    """``; 9 of 10 confirmed by cvc5 1.4.2`` with ``--confirm``, else nothing."""
    asked = [r.confirmation for r in v.results if r.confirmation is not None]
    if not asked:
        return ""
    ok = sum(1 for x in asked if x.agreement == Agreement.CONFIRMED)
    who = asked[0].solver
    return (
        f"; {ok} of {len(v.results)} confirmed by {who}"
        if ok < len(v.results)
        else f"; all confirmed by {who}"
    )


def comparison_text(cmp: Comparison, full: bool = True) -> str:
    """The comparison; ``full`` puts the amended contract's whole verification first
    (``verify --what-if``), otherwise only the comparison is shown (``whereas diff``)."""
    lines = [to_text(cmp.amended).rstrip("\n"), ""] if full else []
    lines += [f"What-if: {cmp.amendment_file} against {cmp.base_file}", ""]
    w = max([len(i) for i, *_ in cmp.rows] + [5])
    lines.append(f"  {'check':<{w}}  {'before':<8} {'after':<8}")
    for i, b, a, ch in cmp.rows:
        lines.append(f"  {i:<{w}}  {b:<8} {a:<8}{'  <- changed' if ch else ''}")
    changed = sum(1 for *_, ch in cmp.rows if ch)
    lines.append(f"  {changed} of {len(cmp.rows)} verdicts changed")
    lines.append("")
    d = cmp.difference
    if d is None:
        label = {
            DiffStatus.NONE: "No difference",
            DiffStatus.UNKNOWN: "Unknown",
            DiffStatus.INTERNAL_ERROR: "INTERNAL ERROR",
        }[cmp.diff_status]
        lines.append(f"Semantic diff: {label}: {cmp.diff_note}")
    else:
        c = (
            cmp.amended.contract
            if all(o.event in cmp.amended.contract.events for o in d.scenario.events)
            else cmp.base.contract
        )
        lines.append(f"Semantic diff: the versions differ in {'; '.join(d.what)}. A scenario:")
        for o in d.scenario.events:
            lines.append(f"    {describe_event(c, o)}")
        if d.how:
            lines.append(f"    ({d.how})")
        known = {**cmp.base.contract.facts, **cmp.amended.contract.facts}
        for k, v in sorted(d.scenario.facts.items()):
            lines.append(f"    fact {k} = {format_value(v, known[k].type if k in known else None)}")
        held = "when states hold" in d.what
        left, right = d.before.lines(held), d.after.lines(held)
        wl = max(len(x) for x in left + ["before (base)"])
        lines.append(f"  {'before (base)':<{wl}} | after (amended)")
        lines.append(f"  {'-' * wl}-+-{'-' * max(len(x) for x in right + ['after (amended)'])}")
        for n in range(max(len(left), len(right))):
            lx = left[n] if n < len(left) else ""
            rx = right[n] if n < len(right) else ""
            lines.append(f"  {lx:<{wl}} | {rx}")
    return "\n".join(lines) + "\n"


def _wrapped(text: str) -> list[str]:
    """One item of a result, wrapped at 100 columns under its result's heading."""
    return textwrap.wrap(
        text,
        width=100,
        initial_indent="  ",
        subsequent_indent="    ",
        break_on_hyphens=False,
        break_long_words=False,
    )

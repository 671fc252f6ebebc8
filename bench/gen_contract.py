"""Synthetic contracts for benchmarks: N clauses and M checks that pass ``whereas check``.

The clauses come in families, each about its own acts, cycling through the
shapes real agreements use:

- exclusivity: a prohibition, a dated waiver (exception), a cap on the waiver
  (exception to the exception) and a sibling exception that prevails over it;
- supply: an obligation triggered by a request, with a window in days, a remedy
  for its violation (contrary to duty) that survives termination;
- control: a power held by a party's board, whose exercise ends a state, a
  permission guarded by that state, and a termination right;
- licence: a state opened by one event and closed by another, a dated
  obligation and a guarded permission.

The checks are questions a lawyer would ask of each family; not all of them
hold (a termination right in one family ends the prohibitions of the others,
and the solver finds that), which is what a benchmark for the prover wants.

The output depends only on the arguments (``seed`` drives a private RNG), so a
benchmark over the same arguments reads the same bytes.

    python bench/gen_contract.py N M [SEED] > file.contract
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from typing import Any

EFFECTIVE = dt.date(2020, 1, 1)
HORIZON = dt.date(2040, 12, 31)
PARTIES = ("Alpha", "Beta", "Gamma", "Delta")
PROVIDERS = ("Northwind", "Contoso", "Initech", "Umbrella", "Globex")

_TEXTS = (
    "The parties agree that the following applies for as long as this agreement is in force.",
    "Save as expressly provided otherwise, this clause applies notwithstanding any other provision.",
    "This provision reflects the commercial understanding of the parties as of the effective date.",
    "Any amount stated in this clause is exclusive of taxes, duties and similar charges.",
)


class _Family:
    """One family of clauses about its own events, numbered §k, §k.1, ..."""

    def __init__(self, k: int, rng: random.Random) -> None:
        self.k = k
        self.rng = rng
        self.events: list[str] = []
        self.states: list[str] = []
        self.clauses: list[str] = []
        self.checks: list[str] = []

    def party(self, i: int) -> str:
        return PARTIES[(self.k + i) % len(PARTIES)]

    def date(self) -> dt.date:
        span = (HORIZON - EFFECTIVE).days
        return EFFECTIVE + dt.timedelta(days=self.rng.randrange(30, span // 2))

    def text(self) -> str:
        return f'  text "{self.rng.choice(_TEXTS)}"\n' if self.rng.random() < 0.6 else ""

    def clause(self, cid: str, title: str, body: str) -> None:
        self.clauses.append(f"§{cid} {title} [G{self.k}]\n{self.text()}{body}")


def _exclusivity(f: _Family) -> None:
    k, buyer = f.k, f.party(0)
    buy = f"Buy{k}"
    f.events.append(f"event {buy}(from: Provider, amount: money) by {buyer}")
    home = PROVIDERS[k % len(PROVIDERS)]
    waived = PROVIDERS[(k + 1) % len(PROVIDERS)]
    cheap = PROVIDERS[(k + 2) % len(PROVIDERS)]
    cap = f.rng.randrange(2, 50)
    f.clause(f"{k}", f"Exclusive supply {k}", f"  {buyer} must not {buy}(from: p) where p != {home}\n")
    f.clause(
        f"{k}.1",
        f"Waiver {k}",
        f"  exception to §{k}\n  from {f.date()}\n  {buyer} may {buy}(from: {waived}, amount <= ${cap}M)\n",
    )
    f.clause(
        f"{k}.1.1",
        f"Cap on waiver {k}",
        f"  exception to §{k}.1\n  {buyer} must not {buy}(from: {waived}, amount > ${cap // 2 + 1}M)\n",
    )
    f.clause(
        f"{k}.2",
        f"Small purchases {k}",
        f"  exception to §{k} prevailing over §{k}.1\n  {buyer} may {buy}(from: {cheap}, amount < $250,000)\n",
    )
    f.checks.append(
        f'check excl_{k} "Buying from {cheap} above the threshold is a breach by {buyer}":\n'
        f"  never {buy}(from: {cheap}, amount >= $250,000) and not breach by {buyer}"
    )
    f.checks.append(
        f'check waiver_{k} "{buyer} can use the waiver without breach":\n'
        f"  possible {buy}(from: {waived}) and not breach of §{k} by {buyer}"
    )


def _supply(f: _Family) -> None:
    k, buyer, seller = f.k, f.party(0), f.party(1)
    req, sup, pay = f"Request{k}", f"Supply{k}", f"Compensate{k}"
    f.events.append(f"event {req}(amount: money) by {buyer}")
    f.events.append(f"event {sup}(amount: money) by {seller}")
    f.events.append(f"event {pay}(amount: money) by {seller}")
    days = f.rng.choice((14, 30, 60, 90))
    f.clause(
        f"{k}",
        f"Supply on request {k}",
        f"  when {req}(amount: a) by {buyer} where a > $0:\n"
        f"    {seller} must {sup}(amount >= a) within {days} days\n",
    )
    f.clause(
        f"{k}.1",
        f"Remedy {k}",
        f"  when violation of §{k}: {seller} must {pay}(amount >= $1M) within 2 weeks\n"
        "  survives termination\n",
    )
    f.checks.append(
        f'check supply_{k} "A request {seller} does not meet in time is a breach":\n'
        f"  possible breach of §{k} by {seller}"
    )


def _control(f: _Family) -> None:
    k, owner, other = f.k, f.party(0), f.party(1)
    declare, use, leave = f"Declare{k}", f"Use{k}", f"Leave{k}"
    access = f"Access{k}"
    f.events.append(f"event {declare} by anyone")
    f.events.append(f"event {use}(volume: int) by {other}")
    f.events.append(f"event {leave} by {owner}")
    f.states.append(f'state {access} "{other}\'s access, family {k}" holds from effective')
    f.clause(
        f"{k}", f"Board decides {k}", f"  {owner}.Board has power to {declare}\n  {declare} ends {access}\n"
    )
    f.clause(
        f"{k}.1",
        f"Use while access lasts {k}",
        f"  while {access}\n  {other} may {use}(volume <= {f.rng.randrange(10, 10_000)})\n",
    )
    f.clause(f"{k}.2", f"Exit {k}", f"  {owner} has power to {leave}\n  {leave} ends the contract\n")
    f.checks.append(
        f'check access_{k} "After a board declaration {other} has no access":\n'
        f"  always after {declare}: not {access}"
    )
    f.checks.append(
        f'check nodecl_{k} "Without a declaration the access lasts":\n'
        f"  given not {declare} by {owner}.Board\n"
        f"  always from effective until {f.date()}: {access}"
    )


def _licence(f: _Family) -> None:
    k, grantor, licensee = f.k, f.party(0), f.party(1)
    grant, revoke, report, sub = f"Grant{k}", f"Revoke{k}", f"Report{k}", f"Sublicense{k}"
    lic = f"Licence{k}"
    f.events.append(f"event {grant} by {grantor}")
    f.events.append(f"event {revoke} by {grantor}")
    f.events.append(f"event {report}(share: percent) by {licensee}")
    f.events.append(f"event {sub}(fee: money) by {licensee}")
    f.states.append(f"state {lic} holds from {grant} until {revoke} or {HORIZON}")
    due = f.date()
    f.clause(f"{k}", f"Licence {k}", f"  {grant} starts {lic}\n  {revoke} ends {lic}\n")
    f.clause(f"{k}.1", f"Reporting {k}", f"  {licensee} must {report}(share >= 5%) before {due}\n")
    f.clause(
        f"{k}.2",
        f"Sublicensing {k}",
        f"  while {lic}\n  until {revoke}\n  {licensee} may {sub}(fee: x) where x >= $10,000.50 * 2\n",
    )
    f.checks.append(
        f'check report_{k} "Not reporting by {due} is a breach by {licensee}":\n'
        f"  possible breach of §{k}.1 by {licensee} and not {report} before {due}"
    )


_SHAPES = (_exclusivity, _supply, _control, _licence)


def generate(n_clauses: int, n_checks: int, seed: int = 0) -> str:
    """A contract with exactly ``n_clauses`` clauses and ``n_checks`` checks."""
    rng = random.Random(seed)
    clauses: list[str] = []
    events: list[str] = []
    states: list[str] = []
    checks: list[str] = []
    k = 0
    while len(clauses) < n_clauses:
        k += 1
        fam = _Family(k, rng)
        _SHAPES[(k - 1) % len(_SHAPES)](fam)
        take = fam.clauses[: n_clauses - len(clauses)]
        clauses.extend(take)
        events.extend(fam.events)
        states.extend(fam.states)
        if len(take) == len(fam.clauses):  # a family cut short keeps no checks: they may cite a missing §
            checks.extend(fam.checks)
    checks = checks[:n_checks]
    while len(checks) < n_checks:
        p = PARTIES[len(checks) % len(PARTIES)]
        checks.append(
            f'check clear_{len(checks) + 1} "{p} can stay clear of breach":\n  possible not breach by {p}'
        )
    words = words_of(clauses + checks)
    # declare only what is used, so the output checks without warnings
    states = [st for st in states if st.split()[1] in words]
    words |= words_of(states)
    events = [e for e in events if e.split()[1].split("(")[0] in words]
    words |= words_of(events)
    boards = {p for p in PARTIES if f"{p}.Board" in "".join(clauses + checks)}
    decls = [p + (" with body Board" if p in boards else "") for p in PARTIES if p in words]
    parts = [
        "# Generated by bench/gen_contract.py: a synthetic contract for benchmarks.\n\n"
        f'contract "Synthetic agreement, {n_clauses} clauses, seed {seed}"\n'
        f"  effective {EFFECTIVE}\n  horizon {HORIZON}\n  currency USD\n",
        "".join(f"party {d}\n" for d in decls),
    ]
    if "Provider" in words:
        parts.append(f'kind Provider "a seller of compute" = {" | ".join(PROVIDERS)}\n')
    parts.append("".join(e + "\n" for e in events) + "".join(st + "\n" for st in states))
    parts.extend(clauses)
    parts.extend(c + "\n" for c in checks)
    return "\n".join(x for x in parts if x)


def words_of(texts: list[str]) -> set[str]:
    """The names a generated text uses (so only those are declared)."""
    out: set[str] = set()
    for t in texts:
        for ch in "():.,=|":
            t = t.replace(ch, " ")
        out.update(t.split())
    return out


def main(argv: list[str], make: Any = None, name: str = "gen_contract") -> int:
    """The command line of a generator: ``make(n_clauses, n_checks, seed)``
    (default: this module's ``generate``) written to stdout."""
    if len(argv) not in (2, 3) or not all(a.isdigit() for a in argv):
        sys.stderr.write(f"usage: python bench/{name}.py N_CLAUSES N_CHECKS [SEED] > file.contract\n")
        return 2
    seed = int(argv[2]) if len(argv) == 3 else 0
    sys.stdout.write((make or generate)(int(argv[0]), int(argv[1]), seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Synthetic contracts whose clauses interact, for benchmarks: N clauses and M checks.

``bench/gen_contract.py`` makes families that share nothing but the parties, so
each check is solved on 2 to 5 clauses. Real agreements are knotted: a default
under one deal is a default under the next, remedies pass from party to party,
exceptions to exceptions run deep, and terminations differ in when they may be
used. This generator writes *deals* of about 40 clauses, grouped into master
agreements of ``DEALS_PER_MASTER`` deals, with:

- an exception chain 10 to 50 deep on one act (each level permits or forbids a
  narrower range of levels than its parent, some levels only while the deal is
  in default);
- a contrary-to-duty chain across the four parties: a delivery owed on an order,
  a guarantor's cover when it is missed, an indemnity when the cover is missed,
  and so on, each violation also moving the deal's states;
- shared states read by many clauses: the deal's good standing and its default,
  which permissions and powers are guarded by;
- cross-default: a missed cure in one deal puts the next deal of the same master
  agreement in default, so a check about the last deal spans the whole master
  agreement (some hundreds of clauses);
- terminations that are not alike: each deal's exit right has its own guard,
  and one deal in ten has a right to end the whole contract.

The checks are questions a lawyer would ask of each deal; some hold, some fail.
The output depends only on the arguments.

    python bench/gen_interacting.py N M [SEED] > file.contract
"""

from __future__ import annotations

import datetime as dt
import random
import sys

from gen_contract import main, words_of  # type: ignore[import-not-found]

EFFECTIVE = dt.date(2020, 1, 1)
HORIZON = dt.date(2030, 12, 31)
PARTIES = ("Alpha", "Beta", "Gamma", "Delta")
DEALS_PER_MASTER = 5  # deals linked by cross-default
DEAL_CLAUSES = 40  # about this many clauses a deal


class _Deal:
    def __init__(self, g: int, rng: random.Random, first_in_master: bool) -> None:
        self.g, self.rng, self.first = g, rng, first_in_master
        self.events: list[str] = []
        self.states: list[str] = []
        self.clauses: list[str] = []
        self.checks: list[str] = []

    def party(self, i: int) -> str:
        return PARTIES[(self.g + i) % len(PARTIES)]

    def clause(self, cid: str, title: str, body: str) -> None:
        self.clauses.append(f"§{self.g}.{cid} {title}\n{body}")


def _deal(d: _Deal) -> None:
    g, rng = d.g, d.rng
    buyer, seller, guarantor, insurer = (d.party(i) for i in range(4))
    good, default = f"Good{g}", f"Default{g}"
    act, order, exit_ = f"Draw{g}", f"Order{g}", f"Exit{g}"
    d.states.append(f'state {good} "deal {g} in good standing" holds from effective')
    d.states.append(f'state {default} "deal {g} in default"')
    d.events.append(f"event {act}(level: int) by {buyer}")
    d.events.append(f"event {order}(amount: money) by {buyer}")
    d.events.append(f"event {exit_} by {buyer}")
    d.events.append(f"event Cure{g}(amount: money) by {seller}")

    # the exception chain: §g.1 forbids every draw, each level below carves out
    # or puts back a narrower range; odd levels apply only while not in default
    depth = 10 + (g * 7) % 41
    top = 1000
    d.clause("1", f"No drawing {g}", f"  {buyer} must not {act}(level: x) where x > 0\n")
    for k in range(1, depth):
        lim = max(1, top - k * (top // (depth + 1)))
        guard = f"  while not {default}\n" if k % 3 == 1 else ""
        norm = "may" if k % 2 == 1 else "must not"
        d.clause(
            f"1.{k}",
            f"Drawing level {k} of deal {g}",
            f"  exception to §{g}.{'1' if k == 1 else f'1.{k - 1}'}\n{guard}  {buyer} {norm} {act}(level <= {lim})\n",
        )

    # the contrary-to-duty chain across parties
    days = rng.choice((14, 30, 60))
    chain = [seller, guarantor, insurer, seller, guarantor, insurer][: 3 + g % 4]
    d.events.append(f"event Deliver{g}(amount: money) by {seller}")
    d.clause(
        "2",
        f"Delivery on order {g}",
        f"  while {good}\n  when {order}(amount: a) by {buyer} where a > $0:\n"
        f"    {seller} must Deliver{g}(amount >= a) within {days} days\n",
    )
    prev = "2"
    for j, who in enumerate(chain[1:], start=1):
        ev = f"Remedy{g}x{j}"
        d.events.append(f"event {ev}(amount: money) by {who}")
        d.clause(
            f"2.{j}",
            f"Remedy {j} of deal {g}",
            f"  when violation of §{g}.{prev}: {who} must {ev}(amount >= ${j}M) within {7 * j} days\n"
            "  survives termination\n",
        )
        prev = f"2.{j}"
    d.clause(
        "3",
        f"Default of deal {g}",
        f"  violation of §{g}.2 starts {default}\n  violation of §{g}.{prev} ends {good}\n",
    )
    d.clause(
        "4",
        f"Cure of deal {g}",
        f"  while {default}\n  {seller} must Cure{g}(amount >= $1M) before {HORIZON.replace(year=HORIZON.year - 1)}\n",
    )
    d.clause("4.1", f"Cure ends default {g}", f"  Cure{g} by {seller} ends {default}\n")
    if not d.first:  # cross-default: a missed cure in the deal before puts this one in default
        d.clause("5", f"Cross-default into deal {g}", f"  violation of §{g - 1}.4 starts {default}\n")

    # the shared states guard permissions and powers
    use = f"Use{g}"
    d.events.append(f"event {use}(volume: int) by {seller}")
    d.clause("6", f"No use {g}", f"  {seller} must not {use}\n")
    for j in range(1, 4):
        d.clause(
            f"6.{j}",
            f"Use in good standing {j} of deal {g}",
            f"  exception to §{g}.6\n  while {good} and not {default}\n  {seller} may {use}(volume <= {j * 100})\n",
        )

    # terminations that are not alike
    guard = (f"while {default}", f"from {EFFECTIVE.replace(year=2021 + g % 8)}", f"while not {good}")[g % 3]
    if g % 10 == 0:
        d.clause(
            "7",
            f"Termination of the contract {g}",
            f"  {guard}\n  {buyer} has power to {exit_}\n  {exit_} ends the contract\n",
        )
    else:
        d.clause(
            "7", f"Exit from deal {g}", f"  {guard}\n  {buyer} has power to {exit_}\n  {exit_} ends {good}\n"
        )

    deep = max(1, top - (depth - 1) * (top // (depth + 1)))
    d.checks += [
        f'check deep_{g} "The deepest level of deal {g} decides a small draw":\n'
        f"  possible {act}(level: {deep}) and not breach of §{g}.1 by {buyer}",
        f'check big_draw_{g} "A draw above every level is a breach by {buyer}":\n'
        f"  never {act}(level > {top}) and not breach by {buyer}",
        f'check default_{g} "A missed delivery puts deal {g} in default":\n'
        f"  possible breach of §{g}.2 by {seller} and {default} on 2030-06-30",
        f'check chain_{g} "The last remedy of deal {g} can be missed":\n  possible breach of §{g}.{prev}',
        f'check use_{g} "In good standing {seller} may use deal {g}":\n'
        f"  given from effective until horizon: not {default}\n  possible {use}(volume: 100) and not breach of §{g}.6 by {seller}",
        f'check clear_{g} "{guarantor} can stay clear of breach":\n  possible not breach by {guarantor}',
    ]


def generate(n_clauses: int, n_checks: int, seed: int = 0) -> str:
    """A contract with exactly ``n_clauses`` clauses and ``n_checks`` checks."""
    rng = random.Random(seed)
    deals: list[_Deal] = []
    count = 0
    g = 0
    while count < n_clauses:
        g += 1
        d = _Deal(g, rng, (g - 1) % DEALS_PER_MASTER == 0)
        _deal(d)
        deals.append(d)
        count += len(d.clauses)
    clauses = [cl for d in deals for cl in d.clauses]
    last = deals[-1]
    if count > n_clauses:  # the last deal cut short: its checks may cite what is gone
        cut = count - n_clauses
        clauses = clauses[:-cut]
        last.checks = []
    cited = "".join(clauses)
    checks = [ch for d in deals for ch in d.checks]
    checks = [ch for ch in checks if all(f"§{x}" in cited for x in _cites(ch))]
    # round-robin over the deals, so a few checks touch every part of the contract
    per = [d.checks for d in deals if d.checks]
    picked: list[str] = []
    i = 0
    while len(picked) < n_checks and any(per):
        row = per[i % len(per)]
        if row:
            picked.append(row.pop(0))
        i += 1
    while len(picked) < n_checks:
        p = PARTIES[len(picked) % len(PARTIES)]
        picked.append(
            f'check clear_all_{len(picked)} "{p} can stay clear of breach":\n  possible not breach by {p}'
        )
    words = words_of(clauses + picked)
    events = [e for d in deals for e in d.events if e.split()[1].split("(")[0] in words]
    states = [s for d in deals for s in d.states if s.split()[1] in words]
    parts = [
        "# Generated by bench/gen_interacting.py: a synthetic contract whose clauses interact.\n\n"
        f'contract "Synthetic master agreement, {n_clauses} clauses, seed {seed}"\n'
        f"  effective {EFFECTIVE}\n  horizon {HORIZON}\n  currency USD\n",
        "".join(f"party {p}\n" for p in PARTIES),
        "".join(e + "\n" for e in events) + "".join(s + "\n" for s in states),
        *clauses,
        *(ch + "\n" for ch in picked),
    ]
    return "\n".join(parts)


def _cites(check: str) -> list[str]:
    return [w.rstrip(":").split()[0] for w in check.split("§")[1:]]


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:], generate, "gen_interacting"))

"""Random small contracts for differential testing of the solver against the interpreter.

The contracts live on tiny finite domains (a three-day period, one two-valued
kind, no money) so that every scenario with at most one occurrence of each
event can be enumerated and run through the interpreter.
"""

from __future__ import annotations

import itertools
import random

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.load import check_node
from dsl.parse import parse_text
from dsl.scenario import Occurrence, Scenario
from dsl.syntax import ContractFile

HEADER = """contract "random" effective 2020-01-01 horizon 2020-01-03
party A with body B
party C
kind K = X | Y
event E1(k: K) by A or A.B or C
event E2 by A.B or C
event E3(k: K) by C or A
state S1 holds from effective
state S2
"""

DATES = ["2020-01-01", "2020-01-02", "2020-01-03"]


def _cond(r: random.Random, with_arg: bool) -> str:
    opts = ["", " where S1", " where not S2", " where S2"]
    if with_arg:
        opts += [" where k == X", " where k != X and S1"]
    return r.choice(opts)


def _guard(r: random.Random) -> str:
    return r.choice(
        [
            "",
            "",
            f"  from {r.choice(DATES)}\n",
            f"  until {r.choice(DATES)}\n",
            "  while S1\n",
            "  while not S2\n",
            "  until E2\n",
        ]
    )


def _pat(r: random.Random, ev: str) -> tuple[str, bool]:
    """A pattern on ``ev``, and whether it binds ``k``."""
    if ev == "E2":
        return "E2", False
    choice = r.choice(["bind", "X", "Y", "none"])
    if choice == "bind":
        return f"{ev}(k: k)", True
    if choice == "none":
        return ev, False
    return f"{ev}(k: {choice})", False


def _norm(r: random.Random, modality: str, ev: str, above: str | None = None) -> str:
    """A norm on ``ev``; ``above``: the actor of the norm of the clause it is an
    exception to, whose acts it must be about (``exception-mismatch``): C's for
    C, A's or A.B's for either (the same draw, so a seed's contract is the one
    it was wherever that was already so)."""
    actor = r.choice(["A", "C", "A.B"] if ev != "E2" else ["A", "C"])
    if above is not None and (actor == "C") != (above == "C"):
        actor = "C" if above == "C" else "A"
    pat, binds = _pat(r, ev)
    cond = _cond(r, binds)
    if binds and "k" not in cond:
        cond = r.choice([" where k == X", " where k == Y"])
    word = {"must_not": "must not", "may": "may"}[modality]
    return f"  {actor} {word} {pat}{cond}\n"


def _actor(norm: str) -> str:
    return norm.split()[0]


def generate(r: random.Random) -> str:
    parts = [HEADER]
    ev = r.choice(["E1", "E3"])
    # an exception tree over ev
    guard = _guard(r)
    root = _norm(r, "must_not", ev)
    parts.append(f"§1 Rule\n{guard}{root}")
    n_kids = r.choice([0, 1, 1, 2])
    for i in range(1, n_kids + 1):
        prevail = "  prevailing over §1.1" if i == 2 and r.random() < 0.5 else ""
        modality = r.choice(["may", "may", "must_not"])
        guard = _guard(r)
        kid = _norm(r, modality, ev, _actor(root))
        parts.append(f"§1.{i} Exception\n  exception to §1{prevail}\n{guard}{kid}")
        if r.random() < 0.4:
            guard = _guard(r)
            parts.append(
                f"§1.{i}.1 Exception to the exception\n  exception to §1.{i}\n{guard}"
                f"{_norm(r, 'must_not' if modality == 'may' else 'may', ev, _actor(kid))}"
            )
    # a power and what it changes
    if r.random() < 0.8:
        holder = r.choice(["A", "A.B", "C"])
        parts.append(f"§2 Power\n{_guard(r)}  {holder} has power to E2\n")
    effect = r.choice(
        ["E2 ends S1", "E2 starts S2", "E1(k: X) ends S1", "E3 starts S2", "E2 ends the contract"]
    )
    parts.append(f"§3 Effect\n{_guard(r)}  {effect}\n")
    if r.random() < 0.3:
        parts.append(f"§6 Exit\n{_guard(r)}  E3(k: Y) ends the contract\n")
    # an obligation and a reaction to its breach
    if r.random() < 0.7:
        window = r.choice([0, 1])
        trig_actor = r.choice(["", " by A", " by C"])
        parts.append(
            f"§4 Duty\n{_guard(r)}  when E1(k: v){trig_actor}:\n    C must E3(k: v) within {window} days\n"
        )
        if r.random() < 0.5:
            parts.append(
                f"§5 Reaction\n  violation of §{r.choice(['1', '4'])} {r.choice(['starts S2', 'ends S1'])}\n"
            )
    checks = [
        "possible breach by A",
        "never breach by C",
        "always not S1 on 2020-01-03",
        "possible effective E2",
        "always after E2: not S1",
        "possible S2 on 2020-01-03 and not breach by A",
        "never E1(k: X) by A and not breach by A",
        "always from effective until horizon: (S1 or S2)",
        "possible violation of §1",
        "always breach of §1 by A implies E1 before 2020-01-03",
        "possible not S1 on 2020-01-02 and S1 on 2020-01-03",
        "never effective E2 by C and breach by C",
    ]
    text_so_far = "".join(parts)
    for cid in ("§1.1", "§1.2", "§1.1.1", "§1.2.1"):  # violations decided by an exception
        if f"\n{cid} " in text_so_far or text_so_far.startswith(cid):
            checks += [
                f"possible violation of {cid}",
                f"never breach of {cid} by A and not E1 before 2020-01-02",
            ]
    if "§4" in "".join(parts):
        checks += ["possible violation of §4", "always not breach by C on 2020-01-02"]
    for i, body in enumerate(r.sample(checks, 4)):
        given = r.choice(["", "", "  given E2 on 2020-01-02\n", "  given not breach by A\n"])
        mode = body.split()[0]
        parts.append(f'check c{i} "q{i}":\n{given}  {body}\n')
        del mode
    return "\n".join(parts)


def with_clauses(text: str, extra: str) -> str:
    """A generated contract ``text`` with ``extra``'s declarations (its lines that
    start with ``event`` or ``state``) among its own and ``extra``'s clauses (from
    its first ``§``) after its own."""
    head, sep, rest = text.partition("\n§")
    decls = "\n".join(x for x in extra.splitlines() if x.startswith(("event", "state")))
    return head + "\n" + decls + "\n" + sep.lstrip("\n") + rest + "\n" + extra[extra.index("§") :]


def load(text: str) -> m.Contract | None:
    node, diags = parse_text(text, "random.contract")
    if node is None or not isinstance(node, ContractFile):
        raise AssertionError(
            "generated text does not parse:\n" + "\n".join(d.message for d in diags) + "\n" + text
        )
    c, diags = check_node(node, "random.contract")
    Sources()
    return c


def all_scenarios(c: m.Contract) -> list[Scenario]:
    """Every scenario with at most one occurrence of each event."""
    per_event: list[list[Occurrence | None]] = []
    for ev in c.events.values():
        options: list[Occurrence | None] = [None]
        actors = ev.actors or c.actors
        arg_values = [[(n, v) for v in (c.kinds[t.kind] if t.kind else ())] for n, t in ev.params]
        for day in range(c.effective, c.horizon + 1):
            for actor in actors:
                for combo in itertools.product(*arg_values):
                    options.append(Occurrence(day, ev.name, actor, tuple(combo)))
        per_event.append(options)
    out = []
    for picked in itertools.product(*per_event):
        occs = sorted((o for o in picked if o is not None), key=lambda o: o.day)
        out.append(Scenario("enumerated", {}, tuple(occs)))
    return out

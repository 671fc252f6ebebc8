"""The encoding's numbering of names: each actor's party, in one universe and
in the shared universe of two contracts (the semantic diff's), whose actors
need not come as each party followed by its bodies."""

from __future__ import annotations

import z3

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.load import load_contract
from verifier.smt.encode import Encoding, Universe

HEAD = 'contract "names" effective 2024-01-01 horizon 2024-02-01\n'
EVENT = "event Pay by anyone\n§1 Pay\n  A may Pay\n"
BODIES = HEAD + "party A with bodies Board, Audit\nparty B\nparty C with body X\nparty D\n" + EVENT
OTHER = HEAD + "party A\nparty D\nparty C with bodies X, Y\nparty E\n" + EVENT


def load(text: str) -> m.Contract:
    loaded = load_contract("names.contract", Sources(), text=text)
    assert loaded.contract is not None, loaded.diagnostics
    return loaded.contract


def parties_of_actors(enc: Encoding) -> dict[str, str]:
    """Each actor's party as the encoding's term gives it, evaluated by Z3."""
    out = {}
    actor = z3.Int("actor", enc.ctx)
    term = enc.party_of_actor(actor)
    for i, a in enumerate(enc.actors):
        got = z3.simplify(z3.substitute(term, (actor, z3.IntVal(i, enc.ctx))))
        out[a] = enc.parties[z3.simplify(got).as_long()]
    return out


def test_an_actors_party_with_bodies_in_between() -> None:
    c = load(BODIES)
    enc = Encoding(c, 1, ctx=z3.Context())
    assert enc.actors == ["A", "A.Board", "A.Audit", "B", "C", "C.X", "D"]
    assert parties_of_actors(enc) == {a: m.party_of(a) for a in enc.actors}


def test_an_actors_party_in_the_universe_of_two_contracts() -> None:
    c1, c2 = load(BODIES), load(OTHER)
    u = Universe.of(c1, c2)
    assert u.actors[-2:] == ("C.Y", "E")  # C's second body after D: not party-then-bodies
    enc = Encoding(c1, 1, universe=u, ctx=z3.Context())
    assert parties_of_actors(enc) == {a: m.party_of(a) for a in u.actors}

"""The checker's structure pass finds cycles in time linear in the contract
(issue #7): exceptions are walked once each, and the search for a cycle of
priorities or of violation triggers stays within one strongly connected
component. What it reports must be what the straightforward searches, kept
here as oracles, report: the same cycles, at the same clause, in the same words
and order. No timings here: bench/parse_throughput.py measures speed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from dsl.check import graph as G
from dsl.load import check_node
from dsl.parse import parse_text

HEAD = 'contract "x" effective 2024-01-01 horizon 2025-01-01\nparty A\nevent E by A\nevent F by A\n'


def _check(body: str) -> list[tuple[str, str, int]]:
    node, diags = parse_text(HEAD + body, "f.contract")
    assert node is not None, diags
    _, diags = check_node(node, "f.contract")  # type: ignore[arg-type]
    return [(d.code, d.message, d.span.line) for d in diags]


def _cycles(diags: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    return [d for d in diags if d[0] == "exception-cycle"]


def test_exception_cycle_reported_once_at_its_least_clause() -> None:
    body = (
        "§4 Four\n  exception to §2\n  A may E\n"  # leads into the cycle, is not on it
        "§2 Two\n  exception to §3\n  A may E\n"
        "§3 Three\n  exception to §1\n  A may E\n"
        "§1 One\n  exception to §2\n  A may E\n"
    )
    assert _cycles(_check(body)) == [
        ("exception-cycle", "§1 is, through §2 -> §3, an exception to itself", 14),
    ]


def test_exception_to_itself() -> None:
    assert _cycles(_check("§1 One\n  exception to §1\n  A may E\n")) == [
        ("exception-cycle", "§1 is, through itself, an exception to itself", 5),
    ]


def test_long_exception_chain_without_a_cycle() -> None:
    parts = ["§1 T\n  A must not E\n"]
    for i in range(2, 3001):
        parts.append(f"§{i} T\n  exception to §{i - 1}\n  A {'may' if i % 2 else 'must not'} E\n")
    assert _cycles(_check("".join(parts))) == []


def test_violation_cycle_and_long_chain() -> None:
    chain = ["§1 T\n  A must E before 2024-06-01\n"]
    chain += [f"§{i} T\n  when violation of §{i - 1}: A must E within 5 days\n" for i in range(2, 2001)]
    assert _cycles(_check("".join(chain))) == []
    loop = (
        "§1 T\n  when violation of §3: A must E within 5 days\n"
        "§2 T\n  when violation of §1: A must E within 5 days\n"
        "§3 T\n  when violation of §2: A must E within 5 days\n"
    )
    assert _cycles(_check(loop)) == [
        ("exception-cycle", "violations trigger each other in a cycle: §1 -> §2 -> §3 -> §1", 5),
    ]


def test_priority_cycle() -> None:
    body = (
        "§1 Base\n  A must not E\n"
        "§2 X\n  exception to §1 prevailing over §3\n  A may E\n"
        "§3 Y\n  exception to §1 prevailing over §2\n  A may E\n"
    )
    assert _cycles(_check(body)) == [
        ("exception-cycle", "these priorities form a cycle: §2 prevails over §3 prevails over §2", 7),
    ]


# ----------------------------------------------------------------- oracles


def _find_cycle_oracle(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    """Depth-first from ``start`` over the whole graph, successors in sorted order."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                return path
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


@dataclass
class _Clause:
    exception_to: str | None


def _exception_cycles_oracle(clauses: dict[str, _Clause]) -> list[list[str]]:
    """Follow each clause's chain until it repeats; a cycle counts at its least clause."""
    out = []
    for cid, c in clauses.items():
        seen = [cid]
        cur = c.exception_to
        while cur is not None and cur in clauses:
            if cur in seen:
                if cur == cid and cid == min(seen):
                    out.append(seen)
                break
            seen.append(cur)
            cur = clauses[cur].exception_to
    return out


@pytest.mark.parametrize("seed", range(30))
def test_cycle_search_matches_the_whole_graph_search(seed: int) -> None:
    r = random.Random(seed)
    names = [f"§{i}" for i in range(r.randint(1, 25))]
    edges: dict[str, set[str]] = {}
    for _ in range(r.randint(0, 40)):
        edges.setdefault(r.choice(names), set()).add(r.choice(names + ["§99"]))
    components = G.strong_components(edges)
    for start in sorted(edges):
        assert G.find_cycle(start, edges, components) == _find_cycle_oracle(start, edges)


@pytest.mark.parametrize("seed", range(30))
def test_exception_cycles_match_the_chain_walk(seed: int) -> None:
    r = random.Random(seed)
    names = [f"§{i}" for i in range(r.randint(1, 30))]
    r.shuffle(names)
    clauses = {n: _Clause(r.choice(names + ["§99"]) if r.random() < 0.8 else None) for n in names}
    found = G.exception_cycles(clauses)  # type: ignore[arg-type]
    expected = _exception_cycles_oracle(clauses)
    assert [(min(c), sorted(c)) for c in found] == [(s[0], sorted(s)) for s in expected]
    for cycle, walk in zip(found, expected, strict=True):
        at = cycle.index(walk[0])  # the same cycle, in the same order of pointing
        assert cycle[at:] + cycle[:at] == walk

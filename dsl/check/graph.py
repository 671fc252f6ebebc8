"""From the edges between clauses to the cycles among them.

``strong_components`` (strongly connected components, Tarjan's algorithm without
recursion), ``find_cycle`` (a path back to a node, within its component) and
``exception_cycles`` (the cycles of ``exception_to``, where each clause points
at one clause at most). They take plain dicts and know nothing of diagnostics.
"""

from __future__ import annotations

from collections.abc import Iterator

from dsl import model as m


def find_cycle(start: str, edges: dict[str, set[str]], components: dict[str, int]) -> list[str] | None:
    """A path from ``start`` back to it, found depth-first in sorted order.

    The search stays within ``start``'s strongly connected component: a node
    outside it never leads back to ``start``, nor to a node inside it, so
    leaving such nodes out changes neither the path found nor whether one is;
    and a node on no cycle costs one look at its edges instead of a search of
    everything reachable from it."""
    home = components[start]
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                return path
            if nxt not in seen and components[nxt] == home:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def strong_components(edges: dict[str, set[str]]) -> dict[str, int]:
    """The strongly connected components of a graph (Tarjan's algorithm, without
    recursion): each node, a source or a target of an edge, -> its component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in edges:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[str, Iterator[str]]] = [(root, iter(edges.get(root, ())))]
        while work:
            node, successors = work[-1]
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(edges.get(nxt, ()))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component[member] = index[node]
                        if member == node:
                            break
    return component


def exception_cycles(clauses: dict[str, m.Clause]) -> list[list[str]]:
    """The cycles of ``exception_to`` (a clause is an exception to one clause at
    most), each in the order the clauses point, the cycles in the order their
    least clause comes in ``clauses``. Each clause is walked over once."""
    walking, done = 1, 2
    state: dict[str, int] = {}
    cycles: dict[str, list[str]] = {}
    for cid in clauses:
        walk: list[str] = []
        cur: str | None = cid
        while cur is not None and cur in clauses and cur not in state:
            state[cur] = walking
            walk.append(cur)
            cur = clauses[cur].exception_to
        if cur is not None and state.get(cur) == walking:  # back onto this walk
            cycle = walk[walk.index(cur) :]
            cycles[min(cycle)] = cycle
        for w in walk:
            state[w] = done
    return [cycles[cid] for cid in clauses if cid in cycles]

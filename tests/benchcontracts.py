"""The benchmark's generated contracts (bench/gen_contract.py, and
bench/gen_interacting.py's contracts whose clauses interact), checked, for
tests that need a contract bigger than the library's."""

from __future__ import annotations

import sys

from dsl import model as m
from dsl import syntax as s
from dsl.load import check_node
from dsl.parse import parse_text
from tests import ROOT

BENCH = ROOT / "bench"


def generated(n_clauses: int, n_checks: int, interacting: bool = False) -> m.Contract:
    sys.path.insert(0, str(BENCH))
    try:
        if interacting:
            from gen_interacting import generate  # type: ignore[import-not-found]
        else:
            from gen_contract import generate  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    node, diags = parse_text(generate(n_clauses, n_checks), "gen.contract")
    assert isinstance(node, s.ContractFile), diags
    c, diags = check_node(node, "gen.contract")
    assert c is not None, diags
    return c

"""Answers that do not depend on the run: on a contract whose clauses interact
(bench/gen_interacting.py: cross-default, remedy chains across parties, deep
exception chains, terminations that are not alike), every check's verdict,
cited clauses and witness are the same whether it is verified alone or with
all the others, in one process or in two, and from one run to the next."""

from __future__ import annotations

import json

from tests.benchcontracts import generated
from verifier.report.jsondoc import to_json
from verifier.verify.run import verify_contract


def _answers(v: object) -> list[str]:
    doc = to_json(v)  # type: ignore[arg-type]
    return [json.dumps(r, sort_keys=True) for r in doc["results"]] + [
        json.dumps(f, sort_keys=True) for f in doc["findings"]
    ]


def test_one_process_two_processes_and_a_second_run_agree_byte_for_byte(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import verifier.verify.analyses as an
    import verifier.verify.run as run
    from verifier.verify.parallel import in_processes

    c = generated(300, 30, interacting=True)
    one = verify_contract(c, jobs=1)
    assert len(one.results) == 30 and {r.verdict for r in one.results} == {"holds", "fails"}
    assert all(r.replayed for r in one.results if r.scenario is not None)
    forked: list[str] = []

    def counted(where: str):  # type: ignore[no-untyped-def]
        def fork(*a, **kw):  # type: ignore[no-untyped-def]
            forked.append(where)
            return in_processes(*a, **kw)

        return fork

    monkeypatch.setattr(run, "in_processes", counted("checks"))
    monkeypatch.setattr(an, "in_processes", counted("analyses"))
    monkeypatch.setattr(an, "PARALLEL_MIN_SLICES", 2)  # its few big batches shared out too
    assert _answers(verify_contract(c, jobs=2)) == _answers(one)
    assert forked == ["checks", "analyses"]  # both really ran in two processes
    assert _answers(verify_contract(c, jobs=1)) == _answers(one)


def test_a_check_alone_answers_as_it_does_among_all() -> None:
    c = generated(300, 30, interacting=True)
    together = {r.id: r for r in verify_contract(c, analyses=False).results}
    for check in c.checks[::3]:
        (alone,) = verify_contract(c, only=[check.id], analyses=False).results
        r = together[check.id]
        assert (alone.verdict, alone.clauses, alone.scenario, alone.explanation) == (
            r.verdict,
            r.clauses,
            r.scenario,
            r.explanation,
        ), check.id

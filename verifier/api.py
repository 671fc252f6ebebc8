"""The Python API: check, verify, simulate and compare contracts from a program.

    from verifier import check, verify, simulate, diff, Verdict

    v = verify("contracts/openai_microsoft.contract")
    for r in v.results:
        print(r.id, r.verdict)           # Verdict.HOLDS prints as "holds"

Every function takes its inputs in any of these forms (``docs/api.md``):

- a ``pathlib.Path`` (any ``os.PathLike``): always a file;
- a ``str`` with no newline: a file path; a ``str`` with a newline: source text
  (every contract, amendment and scenario has more than one line). Source text is
  named ``<contract>``, ``<amendment>``, ``<scenario>``, ``<base>`` or ``<other>``
  in diagnostics and reports, and a path written in it (an amendment's ``to
  "..."``, a scenario's ``for "..."``) is relative to the current directory;
- an already loaded object: a ``dsl.model.Contract``, a ``CheckReport`` (what
  ``check`` returns), or, for ``simulate``, a ``dsl.scenario.Scenario``.

Bad input raises ``InputError`` (a ``WhereasError`` and a ``ValueError``) with the
diagnostics, whose ``str()`` is what ``whereas check`` prints; no function returns
half a result. Results are the package's frozen attrs classes (``Verification``,
``CheckResult``, ``Finding``, ``Comparison``) and the interpreter's ``Timeline``,
with enum verdicts (``Verdict``, ``Severity``, ``FindingCode``, ``DiffStatus``).

Nothing here changes the process: no garbage-collector tuning, no global Z3
parameter, no forked process unless ``jobs`` > 1 (or None: one per core) and the
contract is big enough to be split (``verifier.verify.parallel``). z3 is
imported the first time something is solved, not by importing this module.

It is some 500 lines because each public function keeps its typed overloads and
its whole contract in its docstring, the API's one reference (``docs/api.md``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Union, overload

import attrs

from dsl import model as m
from dsl import syntax as s
from dsl.diagnostics import Diagnostic, Sources, render, sort_key, summary
from dsl.load import Loaded, amend, load_contract, load_scenario, parse_file, resolve_relative, same_file
from dsl.scenario import Scenario, check_scenario, header_span, missing_fact
from verifier.budget import Exhausted, Stop
from verifier.semantics.interpret import MissingFact, Timeline
from verifier.verify.limits import Limits
from verifier.verify.results import (
    CheckResult,
    Finding,
    FindingCode,
    Severity,
    Verdict,
    Verification,
)
from verifier.verify.whatif import Comparison, DiffStatus

__all__ = [
    "CheckReport",
    "CheckResult",
    "Comparison",
    "DiffStatus",
    "Finding",
    "FindingCode",
    "InputError",
    "LimitReached",
    "Severity",
    "Timeline",
    "Verdict",
    "Verification",
    "WhereasError",
    "check",
    "diff",
    "simulate",
    "verify",
]


class WhereasError(Exception):
    """What the API raises for input it cannot use (see ``InputError``)."""


class InputError(WhereasError, ValueError):
    """Bad input: a file that cannot be read, syntax, name or type errors, an
    amendment for another contract, a check that does not exist, a bound below 1.
    ``diagnostics``: the located problems (empty when the problem has no place in
    a file, such as an unknown check name); ``str()`` renders them as ``whereas
    check`` prints them, quoted lines and hints included."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = (), text: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics: tuple[Diagnostic, ...] = tuple(sorted(diagnostics, key=sort_key))
        self.text = text or message

    def __str__(self) -> str:
        return self.text


class LimitReached(WhereasError):
    """A run that has no ``unknown`` to give (``simulate``) stopped at a limit
    of its ``limits``: ``stop`` says which (``Stop.TIME``, ``Stop.MEMORY``)."""

    def __init__(self, stop: Stop, message: str) -> None:
        super().__init__(message)
        self.stop = stop


@attrs.frozen
class CheckReport:
    """What ``check`` found in a contract, amendment or scenario.

    ``contract``: the checked contract (for an amendment, the amended contract;
    for a scenario, the contract it is for), or None if it has errors.
    ``scenario``: the checked scenario, for a scenario. ``messages``: the
    diagnostics as ``whereas check`` prints them ("" if there are none). A
    report can be given back to ``verify``, ``diff`` and ``simulate``."""

    diagnostics: tuple[Diagnostic, ...]
    contract: m.Contract | None
    scenario: Scenario | None = None
    file: str = ""  # the path read, or the name given to source text (``<contract>``)
    sha256: str = ""
    messages: str = attrs.field(default="", repr=False)
    _syntax: s.ContractFile | None = attrs.field(default=None, repr=False, eq=False)
    _from_file: bool = attrs.field(default=False, repr=False, eq=False)

    @property
    def ok(self) -> bool:
        """No errors (warnings may remain), and something checked to show for it."""
        return (self.contract is not None or self.scenario is not None) and not any(
            d.is_error for d in self.diagnostics
        )

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if not d.is_error)


PathOrText = Union[str, "os.PathLike[str]"]
ContractSource = Union[PathOrText, m.Contract, CheckReport]
ScenarioSource = Union[PathOrText, Scenario, CheckReport]


# ----------------------------------------------------------------- the four calls


def check(source: PathOrText) -> CheckReport:
    """Parse, resolve and type-check a contract, amendment or scenario (a path or
    source text, see the module's rules); never raises for bad input: the
    report's ``ok`` and ``diagnostics`` say what is wrong."""
    sources = Sources()
    name, text = _where(source, None)
    node, _ = parse_file(name, Sources(), text)
    if isinstance(node, s.ScenarioFile):
        sc, c, sdiags = load_scenario(name, sources, text=text)
        return _report(sdiags, c, sources, name, scenario=sc, from_file=text is None)
    lc = load_contract(name, sources, text)
    return _report(
        _with_hint(lc.diagnostics, name, text), lc.contract, sources, name, lc, from_file=text is None
    )


@overload
def verify(
    source: ContractSource,
    *,
    checks: str | Sequence[str] | None = ...,
    bound: int | None = ...,
    what_if: None = ...,
    analyses: bool = ...,
    jobs: int | None = ...,
    limits: Limits | None = ...,
) -> Verification: ...


@overload
def verify(
    source: ContractSource,
    *,
    checks: str | Sequence[str] | None = ...,
    bound: int | None = ...,
    what_if: ContractSource,
    analyses: bool = ...,
    jobs: int | None = ...,
    limits: Limits | None = ...,
) -> Comparison: ...


def verify(
    source: ContractSource,
    *,
    checks: str | Sequence[str] | None = None,
    bound: int | None = None,
    what_if: ContractSource | None = None,
    analyses: bool = True,
    jobs: int | None = 1,
    limits: Limits | None = None,
) -> Verification | Comparison:
    """Prove or refute the checks of a contract (or of an amendment, applied to
    the contract it names), then run the built-in analyses (``analyses``).

    ``checks``: only these checks (ids or titles). ``bound``: a fixed number of
    occurrences of each event for every check (proofs re-checked at ``bound + 1``);
    None, the default: each check at the occurrences its question can need, so
    that a proof covers every course of events where such a number follows
    (``CheckResult.reach`` says how far each verdict reaches). ``jobs``:
    processes for a big contract's slices (None: one per core; 1, the default,
    never forks); verdicts do not depend on it. ``limits``: the run's time, solver
    work and memory (``Limits(timeout=, rlimit=, max_memory=)``): what a limit
    stops is ``Verdict.UNKNOWN`` with the limit as its reason, an analysis it
    stops is in ``Verification.unfinished``.

    ``what_if``: an amendment of ``source``; then the result is the
    ``Comparison`` of the two versions (each check's verdict before and after,
    and a scenario on which they differ), as ``verify BASE --what-if AMENDMENT``;
    ``checks`` and ``analyses`` do not apply to it."""
    _check_bounds(bound, jobs)
    if what_if is not None:
        if checks is not None or not analyses:
            raise InputError(
                "checks and analyses do not apply to a what-if: both versions are verified whole"
            )
        return _compare(source, what_if, bound, jobs, "<amendment>", whole=False, limits=limits)
    from verifier.verify.run import verify_contract

    loaded = _contract(source, None, Sources())
    assert loaded.contract is not None
    only = _checks(loaded.contract, checks)
    return verify_contract(
        loaded.contract, loaded.sha256, bound=bound, only=only, analyses=analyses, jobs=jobs, limits=limits
    )


def diff(
    a: ContractSource,
    b: ContractSource,
    *,
    bound: int | None = None,
    jobs: int | None = 1,
    limits: Limits | None = None,
) -> Comparison:
    """Two versions compared, as ``whereas diff A B``: ``b`` is an amendment of
    ``a`` or a whole contract. ``Comparison.diff_status`` is
    ``DiffStatus.DIFFERENCE`` (with ``difference``, a scenario on which they read
    differently), ``NONE`` (proved within the bounds), ``UNKNOWN`` or
    ``INTERNAL_ERROR``. ``limits``: as for ``verify``, one deadline for the whole comparison."""
    _check_bounds(bound, jobs)
    return _compare(a, b, bound, jobs, "<other>", whole=True, base_name="<base>", limits=limits)


def simulate(
    contract: ContractSource | None, scenario: ScenarioSource, *, limits: Limits | None = None
) -> Timeline:
    """The scenario run on the contract by the reference interpreter: each event,
    whether it was effective, what ruled on it, the state changes, the violations
    (``timeline.violations``; a party is in breach if it has one). ``contract``
    None: the contract the scenario names (its ``for "..."``, relative to the
    scenario's file, or to the current directory for source text). ``limits``:
    its ``timeout`` and ``max_memory`` bound the run (not the reading of the
    files); past them ``LimitReached``. Unlike a signal, this works in any
    thread (a server's, an editor's)."""
    from verifier.semantics.interpret import simulate as run

    sources = Sources()
    if isinstance(scenario, CheckReport):
        if scenario.scenario is None:
            raise InputError(f"{scenario.file or 'the report'} is not a checked scenario")
        if contract is None and scenario.contract is not None:
            contract = scenario.contract
        scenario = scenario.scenario
    if isinstance(scenario, Scenario):
        if contract is None:
            raise InputError("a Scenario object does not name its contract: give the contract")
        c = _contract(contract, "<contract>", sources).contract
        sc = scenario
        header: s.Span | None = None
    else:
        name, text = _where(scenario, "<scenario>")
        node, diags = parse_file(name, sources, text)
        if node is None:
            raise _input_error(diags, sources)
        if not isinstance(node, s.ScenarioFile):
            raise _input_error(
                [
                    Diagnostic(
                        "wrong-file-kind",
                        f"{name} is not a scenario",
                        node.span,
                        hint='a scenario starts with `scenario "Title" for "contract.contract"`',
                    )
                ],
                sources,
            )
        header = header_span(node, sources.line(node.span.file, node.span.line))
        if contract is None:
            found, c, diags = load_scenario(name, sources, text=text)
            if found is None or c is None or any(d.is_error for d in diags):
                raise _input_error(diags, sources)
            sc = found
        else:
            c = _contract(contract, "<contract>", sources).contract
            assert c is not None
            checked, diags = check_scenario(node, c, name)
            if checked is None or any(d.is_error for d in diags):
                raise _input_error(diags, sources)
            sc = checked
    assert c is not None
    budget = limits.budget() if limits is not None else None
    try:
        return run(c, sc, budget)
    except Exhausted as e:
        assert budget is not None
        if e.stop == Stop.TIME:
            why = f"within the time limit ({budget.timeout:g} s)" if budget.timeout is not None else "in time"
        else:
            why = f"within the memory limit ({(budget.max_memory or 0) // 2**20:,} MiB)"
        raise LimitReached(e.stop, f"the simulation did not finish {why}") from None
    except MissingFact as e:
        where = header if header is not None else s.Span(c.file, 1, 1, 1, 1)
        raise _input_error([missing_fact(c, e.name, where)], sources) from None


# ----------------------------------------------------------------- inputs


def _where(source: PathOrText, text_name: str | None) -> tuple[str, str | None]:
    """(the path or the text's name, the text or None): the rule of the module's
    docstring. ``text_name`` None: ``<contract>``, ``<amendment>`` or
    ``<scenario>``, by the text's first word."""
    if isinstance(source, os.PathLike):
        return os.fspath(source), None
    if isinstance(source, str):
        if "\n" not in source:
            return source, None
        return text_name or _kind_name(source), source
    raise TypeError(f"expected a path, source text or a loaded object, not {type(source).__name__}")


def _kind_name(text: str) -> str:
    for line in text.splitlines():
        word = line.split("#", 1)[0].strip().split(" ", 1)[0]
        if word:
            return f"<{word}>" if word in ("amendment", "scenario") else "<contract>"
    return "<contract>"


def _report(
    diags: Sequence[Diagnostic],
    c: m.Contract | None,
    sources: Sources,
    name: str,
    lc: Loaded | None = None,
    scenario: Scenario | None = None,
    from_file: bool = True,
) -> CheckReport:
    ds = tuple(sorted(diags, key=sort_key))
    return CheckReport(
        ds,
        c if scenario is not None or not any(d.is_error for d in ds) else None,
        scenario,
        name,
        lc.sha256 if lc is not None else "",
        _render(ds, sources),
        lc.syntax if lc is not None else None,
        from_file,
    )


def _render(diags: Sequence[Diagnostic], sources: Sources) -> str:
    """As ``whereas check`` prints them (``verifier.cli.common.print_diagnostics``)."""
    if not diags:
        return ""
    ds = sorted(diags, key=sort_key)
    return "".join(render(d, sources) + "\n\n" for d in ds) + summary(ds)


def _input_error(diags: Sequence[Diagnostic], sources: Sources) -> InputError:
    errors = [d for d in diags if d.is_error] or list(diags)
    first = min(errors, key=sort_key) if errors else None
    message = f"{first.span}: {first.message}" if first is not None else "bad input"
    return InputError(message, errors, _render(errors, sources))


def _contract(source: ContractSource, text_name: str | None, sources: Sources) -> CheckReport:
    """A checked contract (or amendment, applied to the base it names), else InputError."""
    if isinstance(source, CheckReport):
        if source.scenario is not None:
            raise InputError(f"{source.file} is a scenario, not a contract")
        if source.contract is None or not source.ok:
            raise InputError(
                source.messages or f"{source.file} has no checked contract", source.errors, source.messages
            )
        return source
    if isinstance(source, m.Contract):
        return CheckReport((), source, file=source.file, from_file=os.path.isfile(source.file))
    name, text = _where(source, text_name)
    lc = load_contract(name, sources, text)
    if not lc.ok:
        raise _input_error(_with_hint(lc.diagnostics, name, text), sources)
    return _report(lc.diagnostics, lc.contract, sources, name, lc, from_file=text is None)


def _with_hint(diags: list[Diagnostic], name: str, text: str | None) -> list[Diagnostic]:
    """A missing file named by a one-line string may have been meant as source text."""
    if text is not None:
        return diags
    return [
        attrs.evolve(
            d, hint=d.hint + "; a str without a newline is read as a path, one with a newline as source text"
        )
        if d.code == "file-not-found" and d.span.file == name and d.hint
        else d
        for d in diags
    ]


def _compare(
    base: ContractSource,
    other: ContractSource,
    bound: int | None,
    jobs: int | None,
    other_name: str,
    whole: bool,
    base_name: str = "<contract>",
    limits: Limits | None = None,
) -> Comparison:
    """``other`` (an amendment of ``base``, or with ``whole`` also a whole contract) against ``base``."""
    from verifier.verify.whatif import compare

    sources = Sources()
    b = _contract(base, base_name, sources)
    if isinstance(other, (m.Contract, CheckReport)):
        o = _contract(other, other_name, sources)
    else:
        o = _amended(b, other, other_name, sources, whole)
    assert b.contract is not None and o.contract is not None
    return compare(
        b.contract,
        o.contract,
        b.sha256,
        o.sha256,
        bound=bound,
        amendment_file=o.file,
        jobs=jobs,
        limits=limits,
    )


def _amended(
    base: CheckReport, other: PathOrText, text_name: str, sources: Sources, whole: bool
) -> CheckReport:
    """``other`` read: an amendment applied to ``base`` (source text given as the
    base: to that text; a base from a file: the amendment must name that file, as
    ``verify --what-if`` checks), or, with ``whole``, a whole contract."""
    name, text = _where(other, text_name)
    node, diags = parse_file(name, sources, text)
    if node is None:
        raise _input_error(_with_hint(diags, name, text), sources)
    if isinstance(node, s.ContractFile) and whole:
        return _contract(other, text_name, sources)
    if not isinstance(node, s.AmendmentFile):
        raise _input_error(
            diags
            + [
                Diagnostic(
                    "wrong-file-kind",
                    f"{name} is not an amendment" + (" or a contract" if whole else ""),
                    node.span,
                    hint='an amendment starts with `amendment "Title" to "base.contract"`',
                )
            ],
            sources,
        )
    if base._from_file:
        named = resolve_relative(name, node.contract)
        if not same_file(named, base.file):
            raise _input_error(
                diags
                + [
                    Diagnostic(
                        "wrong-contract",
                        f"this amendment is written for {named}, not for {base.file}",
                        node.span,
                        hint='give the contract the amendment names, or change its `to "..."`',
                    )
                ],
                sources,
            )
    elif base._syntax is None:
        raise InputError(
            f"an amendment needs the text of the contract it changes: give {base.file} "
            "as a path, source text or a CheckReport, not a Contract"
        )
    # the base's syntax if at hand (a Contract object: the file the amendment names, read again)
    lc = amend(node, diags, name, sources, _sha(name, text), base=base._syntax)
    if not lc.ok:
        raise _input_error(lc.diagnostics, sources)
    return _report(lc.diagnostics, lc.contract, sources, name, lc, from_file=text is None)


def _sha(name: str, text: str | None) -> str:
    from dsl.load import file_sha256

    return file_sha256(name, text)


def _checks(c: m.Contract, checks: str | Sequence[str] | None) -> list[str] | None:
    if checks is None:
        return None
    wanted = [checks] if isinstance(checks, str) else list(checks)
    unknown = [x for x in wanted if not any(x in (ch.id, ch.title) for ch in c.checks)]
    if unknown:
        raise InputError(
            f"no check named {', '.join(unknown)} in {c.file} (checks: {', '.join(ch.id for ch in c.checks)})"
        )
    return wanted or None


def _check_bounds(bound: int | None, jobs: int | None) -> None:
    if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int) or bound < 1):
        raise InputError(f"bound must be a whole number of at least 1, not {bound!r}")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise InputError(f"jobs must be None or a whole number of at least 1, not {jobs!r}")

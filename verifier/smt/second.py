"""From the questions a run asks Z3 to their SMT-LIB files and cvc5's second opinion.

A run that wants either (``verify --emit-smt2 DIR``, ``verify --confirm``)
sets an ``Opinion`` for its duration (``asking``); every question a prover is
asked with a label (``Prover.ask(label=...)``) is then turned by the prover
into its SMT-LIB text (``verifier.smt.smtlib``) and given here: written to the folder, and with ``confirm``
given to cvc5 through its Python API (the optional extra ``confirm``), whose
answer is compared with Z3's. The opinion is a context variable, so forked
workers inherit it and nothing global outlives the run.

cvc5 reads the same bytes that are written, so a confirmed answer also shows
that the export says what the prover asked.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Sequence
from contextvars import ContextVar

import attrs

from verifier.smt.outcome import Agreement, Confirmation, Outcome, SolveStatus

# cvc5's time for one question when the run has no deadline (seconds)
CVC5_SECONDS = 60.0
# the first line of every question's file: how a later run knows the files it may replace
HEADER = "; Whereas: one question about a contract, in SMT-LIB 2"


@attrs.frozen
class Opinion:
    """What a run wants of its questions: their files in ``folder`` (None: not
    written), cvc5's answer to each (``confirm``)."""

    folder: str | None = None
    confirm: bool = False


_STATUS = re.compile(r"^\(set-info :status \w+\)\n", re.M)
_OPINION: ContextVar[Opinion | None] = ContextVar("whereas_opinion", default=None)
_SEEN: ContextVar[dict[str, int] | None] = ContextVar("whereas_questions_seen", default=None)


@contextlib.contextmanager
def asking(opinion: Opinion | None) -> Iterator[None]:
    """``opinion`` in force for the questions asked inside (None: none)."""
    if opinion is None:
        yield
        return
    token = _OPINION.set(opinion)
    seen = _SEEN.set({})
    try:
        yield
    finally:
        _SEEN.reset(seen)
        _OPINION.reset(token)


def wanted() -> bool:
    """Whether the run asks for the files or cvc5's answers."""
    return _OPINION.get() is not None


def cvc5_version() -> str | None:
    """cvc5's version, or None if its Python package is not installed."""
    try:
        import cvc5
    except ImportError:
        return None
    return str(getattr(cvc5, "__version__", "") or "unknown version")


def heard(label: Sequence[str], text: str, out: Outcome, seconds: float | None = None) -> Outcome:
    """``out`` (Z3's answer to the question whose SMT-LIB ``text`` this is, see
    ``verifier.smt.smtlib``) with cvc5's opinion, once its file has been
    written, as the run's ``Opinion`` asks. ``label``: what the question is,
    its first line a short name (the file is named after it)."""
    op = _OPINION.get()
    if op is None:
        return out
    files: tuple[str, ...] = ()
    if op.folder is not None:
        files = (_write(op.folder, label[0], text),)
    if not op.confirm or out.status == SolveStatus.UNKNOWN:
        return out
    conf = confirm(text, out.status, seconds)
    return attrs.evolve(out, confirmation=attrs.evolve(conf, files=files))


def confirm(text: str, expected: SolveStatus, seconds: float | None = None) -> Confirmation:
    """cvc5's answer to the SMT-LIB ``text``, compared with Z3's ``expected``."""
    import cvc5

    want = expected.value
    who = f"cvc5 {cvc5_version()}"
    ms = int(1000 * (seconds if seconds is not None else CVC5_SECONDS))
    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    solver.setOption("tlimit-per", str(max(ms, 1)))
    symbols = cvc5.SymbolManager(tm)
    parser = cvc5.InputParser(solver, symbols)
    # without Z3's stated answer, which cvc5 would check itself (and stop on)
    asked = _STATUS.sub("", text).replace("(exit)\n", "")
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, asked, "question.smt2")
    said: list[str] = []
    try:
        while True:
            cmd = parser.nextCommand()
            if cmd.isNull():
                break
            got = cmd.invoke(solver, symbols)
            if got:
                said.append(str(got).strip())
            if str(cmd).startswith("(check-sat"):
                if said and said[-1] == "unknown":
                    why = solver.getInfo("reason-unknown")
                    return Confirmation(Agreement.UNKNOWN, who, "unknown", want, str(why))
                break
    except RuntimeError as e:
        return Confirmation(Agreement.UNREADABLE, who, "", want, str(e).strip())
    answer = said[-1] if said else ""
    if answer not in ("sat", "unsat"):
        return Confirmation(Agreement.UNREADABLE, who, answer, want, "no answer to (check-sat)")
    agreement = Agreement.CONFIRMED if answer == want else Agreement.DISAGREES
    return Confirmation(agreement, who, answer, want)


def _write(folder: str, name: str, text: str) -> str:
    """The question's file in ``folder``: ``name`` made a file name, numbered
    by how often this run asked a question of that name (a check's proof and
    its re-check, the halves of a batch)."""
    from verifier.files import write_text

    seen = _SEEN.get()
    if seen is None:
        seen = {}
    stem = file_stem(name)
    seen[stem] = seen.get(stem, 0) + 1
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{stem}.{seen[stem]}.smt2")
    write_text(path, text)
    return path


def file_stem(name: str) -> str:
    """A question's name as a portable file name: letters, digits, ``-``, ``_``
    and ``.`` kept (``§`` spelled ``s``), the rest ``_``, at most 80 characters."""
    out = re.sub(r"[^A-Za-z0-9._-]", "_", name.replace("§", "s"))
    return out.strip("._")[:80] or "question"


def is_ours(path: str) -> bool:
    """Whether the file at ``path`` is a question an earlier run wrote."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.readline().rstrip("\n") == HEADER
    except (OSError, UnicodeDecodeError):
        return False

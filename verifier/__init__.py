"""Whereas semantics and verification.

``semantics`` is the reference interpreter on one concrete scenario; ``smt``
(the only package that imports z3) answers over all scenarios within bounds;
``verify`` turns its answers into verdicts, ``report`` into documents, ``cli``
is the ``verify`` / ``whereas`` command line, and ``api`` the Python API
(``docs/api.md``)::

    from verifier.api import verify, Verdict

The API's other names are also importable from here (``from verifier import
check, diff, simulate, Verdict``), on first use: ``import verifier`` imports
neither the API nor z3. ``verify`` is not, because ``verifier.verify`` is the
subpackage: a function of that name here would hide it (``verifier.verify.run``
and every dotted name under it would stop resolving).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

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
    "__version__",
    "api",
    "check",
    "diff",
    "simulate",
]
_API = frozenset(__all__) - {"__version__", "api"}

if TYPE_CHECKING:
    from verifier import api
    from verifier.api import (
        CheckReport,
        CheckResult,
        Comparison,
        DiffStatus,
        Finding,
        FindingCode,
        InputError,
        LimitReached,
        Severity,
        Timeline,
        Verdict,
        Verification,
        WhereasError,
        check,
        diff,
        simulate,
    )


def __getattr__(name: str) -> Any:
    if name in _API:
        from verifier import api

        value = getattr(api, name)
        globals()[name] = value  # once: later lookups do not come here
        return value
    if name == "api":
        import verifier.api

        return verifier.api
    raise AttributeError(f"module 'verifier' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

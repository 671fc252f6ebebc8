"""From bytes chosen by a coverage-guided fuzzer (atheris, libFuzzer) to the same
invariants as the campaign (``tests/fuzz/invariants.py``): ``python -m tests.fuzz
--atheris --minutes 10``. atheris is not a dependency of the project: install it
with ``.venv/bin/pip install atheris`` (it needs a wheel or clang for this Python);
without it the command says so and exits 2."""

from __future__ import annotations

import sys
from typing import Any

from tests.fuzz.invariants import check_bytes


def one_input(data: bytes) -> None:
    """libFuzzer's entry point: a broken invariant is an exception, which atheris keeps."""
    found = check_bytes(data)
    if found:
        raise AssertionError(f"{found[0].site}: {found[0].detail[:300]}")


def main(minutes: float | None, inputs: int | None) -> int:
    import importlib

    try:
        fuzzer: Any = importlib.import_module("atheris")
    except ImportError:
        print(
            "atheris is not installed: .venv/bin/pip install atheris (then run this again)", file=sys.stderr
        )
        return 2
    import tempfile

    # libFuzzer adds what it learns to the first folder: a temporary one, seeded from the
    # corpus; an input that breaks an invariant is kept in the corpus as atheris-<hash>
    work = tempfile.mkdtemp(prefix="whereas-atheris-")
    args = [
        sys.argv[0],
        "-rss_limit_mb=4096",
        "-artifact_prefix=tests/fuzz/corpus/atheris-",
        work,
        "tests/fuzz/corpus",
    ]
    if minutes is not None:
        args.append(f"-max_total_time={int(minutes * 60)}")
    if inputs is not None:
        args.append(f"-runs={inputs}")
    fuzzer.instrument_all()
    fuzzer.Setup(args, one_input)
    fuzzer.Fuzz()
    return 0

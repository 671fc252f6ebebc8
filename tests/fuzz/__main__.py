"""From the command line to a fuzz campaign: ``python -m tests.fuzz``.

    python -m tests.fuzz --inputs 1000000 --jobs 2     # a fixed number of inputs
    python -m tests.fuzz --minutes 10                  # as many as fit
    python -m tests.fuzz --atheris --minutes 10        # coverage-guided (atheris)
    python -m tests.fuzz --replay                      # the corpus only
    python -m tests.fuzz --deep 500                    # odd-but-valid contracts through verify and simulate

It prints the number of inputs, inputs per second and each site found; with
``--keep`` (the default) each new site's input is minimised and saved under
``tests/fuzz/corpus/``. Exit status 1 when anything was found.
"""

from __future__ import annotations

import argparse
import sys

from tests.fuzz import campaign


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--inputs", type=int, default=None, help="how many inputs (default 10000 without --minutes)"
    )
    ap.add_argument("--minutes", type=float, default=None, help="run for this long instead")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mode", choices=campaign.MODES, default="mixed")
    ap.add_argument("--no-keep", action="store_true", help="do not save findings to the corpus")
    ap.add_argument("--quiet", action="store_true", help="no progress lines")
    ap.add_argument("--replay", action="store_true", help="only replay tests/fuzz/corpus/")
    ap.add_argument("--atheris", action="store_true", help="coverage-guided, with atheris")
    ap.add_argument(
        "--deep",
        type=int,
        metavar="N",
        default=None,
        help="N odd-but-valid contracts through verify, every report and simulate (tests/fuzz/deep.py)",
    )
    args = ap.parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    if args.replay:
        bad = campaign.replay()
        for p, f in bad:
            print(f"{p.name}: {f.site}: {f.detail[:200]}")
        print(f"corpus: {len(bad)} finding(s)")
        return 1 if bad else 0
    if args.deep is not None:
        from tests.fuzz import deep

        print(f"deep fuzzing: seed {args.seed}, {args.deep} contracts", flush=True)
        n, found = deep.run(args.seed, args.deep, not args.quiet)
        print(f"{n} contracts; found: {len(found) or 'nothing'}")
        for i, f, _ in found:
            print(f"  input {i}: {f.site}: {f.detail[:300]}")
        return 1 if found else 0
    if args.atheris:
        from tests.fuzz import target

        code: int = target.main(args.minutes, args.inputs)
        return code
    inputs = args.inputs if args.inputs is not None or args.minutes is not None else 10000
    print(
        f"fuzzing: mode {args.mode}, seed {args.seed}, jobs {args.jobs}, "
        + (f"{inputs} inputs" if inputs is not None else f"{args.minutes} minutes"),
        flush=True,
    )
    report = campaign.run(
        args.seed, inputs, args.minutes, args.jobs, args.mode, not args.no_keep, not args.quiet
    )
    print(report.line())
    for site, (i, detail) in report.examples.items():
        print(f"  {site}: first at input {i}: {detail[:300]}")
    return 1 if report.sites else 0


if __name__ == "__main__":
    sys.exit(main())

"""From random seeds to inputs of the front end, and from inputs to the
invariants they break: the fuzz harness (``tests/fuzz/README.md``).

``generate`` (inputs from the grammar), ``mutate`` (damaged shipped files),
``invariants`` (what must hold for every input), ``campaign`` (a run: draw,
check, minimise, keep), ``target`` (the coverage-guided atheris entry point),
``__main__`` (the command, ``python -m tests.fuzz``).
"""

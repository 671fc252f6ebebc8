"""The test suite, grouped like the pipeline: ``tests/dsl/`` for text to checked
contract, ``tests/verifier/<stage>/`` for each stage after it (see tests/README.md).

``ROOT`` is the repository, ``TESTS`` this folder (golden files, data, schemas):
test files name paths from these, so a file can move between groups.
"""

from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

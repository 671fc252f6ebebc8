"""Shared pytest options and fixtures.

``--update-golden`` rewrites the expected outputs under ``tests/golden/`` from
what the code prints now, so that a change of output is reviewed in ``git diff``
instead of edited by hand.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/**/*.expected from the current output (review with git diff)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))

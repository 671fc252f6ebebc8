"""Whereas semantics and verification.

``interpreter`` is the reference semantics on one concrete scenario;
``smt`` (the only package that imports z3) answers over all scenarios within
bounds; ``cli`` is the ``verify`` / ``whereas`` command line.
"""

__version__ = "0.1.0"

"""Smaller problems with the same answers: ``slicing`` (the part of a contract a question depends on) and ``symmetry`` (one of each kind of interchangeable termination right)."""

"""The Whereas contract language: from text to a checked contract.

Pipeline: ``parse`` (text -> ``syntax`` nodes) -> ``check`` (names, types,
structure -> ``model.Contract``). ``format`` prints the canonical form.
This package never imports z3.
"""

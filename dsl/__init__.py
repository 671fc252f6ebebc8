"""The Whereas contract language: from text to a checked contract.

Pipeline: ``parser`` (text -> ``syntax`` nodes) -> ``checker`` (names, types,
structure -> ``model.Contract``). ``formatter`` prints the canonical form.
This package never imports z3.
"""

"""From the surface model (``dsl.syntax``) to a checked contract (``dsl.model``)."""

from dsl.check.expressions import Checker, Scope, check_contract, did_you_mean, fold, type_of, unify

__all__ = ["Checker", "Scope", "check_contract", "did_you_mean", "fold", "type_of", "unify"]

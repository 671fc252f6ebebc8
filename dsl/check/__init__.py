"""From the surface model (``dsl.syntax``) to a checked contract (``dsl.model``),
with every problem found as a located diagnostic (not only the first).

``check_contract(file_node, path)`` resolves every name (with "did you mean"),
type-checks every expression, desugars event patterns into conditions over the
occurrence's arguments, validates exceptions and priorities, and returns a
``dsl.model.Contract`` (None if there are errors) with the diagnostics.

The modules, one concern each; each imports only modules above it here:

* ``state``: ``CheckState``, the tables every pass reads and fills
* ``types``: the built-in types, ``type_of``, ``unify``, arithmetic types,
  ``compatible``
* ``names``: collecting declarations, duplicates, resolving names and actors,
  undefined names with ``did_you_mean``, unused declarations
* ``expressions``: expressions, literals, patterns, event atoms, breaches,
  dated conditions and time scopes; ``Scope``, ``fold``, ``conj``
* ``clauses``: events' and facts' types, states, triggers, clauses, norms,
  consequences, checks
* ``graph``: the cycle searches (strongly connected components); only the model
* ``structure``: exceptions, priorities, and cycles among them
* ``checker``: ``Checker`` (the mixins joined, the passes in order),
  ``check_contract``, ``Checker.for_scenario``
"""

from dsl.check.checker import Checker, check_contract
from dsl.check.expressions import Scope, fold
from dsl.check.names import did_you_mean
from dsl.check.types import type_of, unify

__all__ = ["Checker", "Scope", "check_contract", "did_you_mean", "fold", "type_of", "unify"]

"""Term constructors for the encoding, below z3py's coercions.

z3py's ``And``, ``Or``, ``If`` and comparisons look up every argument's sort
and context and coerce Python values on every call; in the encoding that
bookkeeping cost more than Z3's own work (bench/README.md: three quarters of a
300-clause run was z3py's Python layer). These build exactly the same terms
(the same Z3 API call on the same arguments, so Z3 hash-conses them to the same
nodes and the solver sees no difference) in one context, with the only
coercions the encoding needs: a Python bool to a Boolean constant and a Python
int to an integer numeral (numerals cached).
"""

from __future__ import annotations

from typing import Any

import z3
from z3 import z3core


class Terms:
    """Constructors bound to one Z3 context."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.ref = ctx.ref()
        self.T = z3.BoolVal(True, ctx)
        self.F = z3.BoolVal(False, ctx)
        self._ints: dict[int, Any] = {}
        self._bool_sort = z3.BoolSort(ctx).ast
        self._int_sort = z3.IntSort(ctx).ast

    # ------------------------------------------------------------ leaves
    def int(self, v: int) -> Any:
        hit = self._ints.get(v)
        if hit is None:
            hit = self._ints[v] = z3.IntVal(v, self.ctx)
        return hit

    def bool(self, name: str) -> Any:
        """``z3.Bool(name, ctx)``."""
        sym = z3core.Z3_mk_string_symbol(self.ref, name)
        return z3.BoolRef(z3core.Z3_mk_const(self.ref, sym, self._bool_sort), self.ctx)

    def intvar(self, name: str) -> Any:
        """``z3.Int(name, ctx)``."""
        sym = z3core.Z3_mk_string_symbol(self.ref, name)
        return z3.ArithRef(z3core.Z3_mk_const(self.ref, sym, self._int_sort), self.ctx)

    def _b(self, x: Any) -> Any:
        if x is True:
            return self.T
        if x is False:
            return self.F
        return x

    def _i(self, x: Any) -> Any:
        return self.int(x) if isinstance(x, int) else x

    def _array(self, xs: list[Any]) -> Any:
        arr = (z3.Ast * len(xs))()
        for i, x in enumerate(xs):
            arr[i] = x.ast
        return arr

    # ------------------------------------------------------------ Boolean
    def and_(self, *args: Any) -> Any:
        """As ``z3.And``: one list or several arguments."""
        xs = [self._b(x) for x in (args[0] if len(args) == 1 and isinstance(args[0], list) else args)]
        return z3.BoolRef(z3core.Z3_mk_and(self.ref, len(xs), self._array(xs)), self.ctx)

    def or_(self, *args: Any) -> Any:
        xs = [self._b(x) for x in (args[0] if len(args) == 1 and isinstance(args[0], list) else args)]
        return z3.BoolRef(z3core.Z3_mk_or(self.ref, len(xs), self._array(xs)), self.ctx)

    def not_(self, a: Any) -> Any:
        return z3.BoolRef(z3core.Z3_mk_not(self.ref, self._b(a).ast), self.ctx)

    def implies(self, a: Any, b: Any) -> Any:
        return z3.BoolRef(z3core.Z3_mk_implies(self.ref, self._b(a).ast, self._b(b).ast), self.ctx)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        """``z3.If`` on two terms of one sort (Booleans, or integers: a Python
        int is taken as an integer numeral)."""
        if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, z3.BoolRef):
            a, b = self._b(a), self._b(b)
            return z3.BoolRef(z3core.Z3_mk_ite(self.ref, self._b(c).ast, a.ast, b.ast), self.ctx)
        a, b = self._i(a), self._i(b)
        return z3.ArithRef(z3core.Z3_mk_ite(self.ref, self._b(c).ast, a.ast, b.ast), self.ctx)

    # ------------------------------------------------------------ integers
    def eq(self, a: Any, b: Any) -> Any:
        return z3.BoolRef(z3core.Z3_mk_eq(self.ref, self._i(a).ast, self._i(b).ast), self.ctx)

    def le(self, a: Any, b: Any) -> Any:
        return z3.BoolRef(z3core.Z3_mk_le(self.ref, self._i(a).ast, self._i(b).ast), self.ctx)

    def lt(self, a: Any, b: Any) -> Any:
        return z3.BoolRef(z3core.Z3_mk_lt(self.ref, self._i(a).ast, self._i(b).ast), self.ctx)

    def ge(self, a: Any, b: Any) -> Any:
        return z3.BoolRef(z3core.Z3_mk_ge(self.ref, self._i(a).ast, self._i(b).ast), self.ctx)

    def gt(self, a: Any, b: Any) -> Any:
        return z3.BoolRef(z3core.Z3_mk_gt(self.ref, self._i(a).ast, self._i(b).ast), self.ctx)

    def add(self, a: Any, b: Any) -> Any:
        xs = [self._i(a), self._i(b)]
        return z3.ArithRef(z3core.Z3_mk_add(self.ref, 2, self._array(xs)), self.ctx)

    # ------------------------------------------------------------ solvers
    def asserter(self, solver: Any) -> Any:
        """``put(term)``: ``solver.add(term)`` for a Boolean term of this context,
        without z3py's cast of every argument."""
        ref, raw, mk = self.ref, solver.solver, z3core.Z3_solver_assert

        def put(term: Any) -> None:
            mk(ref, raw, self._b(term).ast)

        return put

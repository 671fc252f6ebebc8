"""From a random seed to contract, scenario and amendment texts: a fast
hand-written generator that follows ``dsl/grammar.lark`` rule by rule.

Most files it writes are valid or nearly so (names drawn from a small pool, so
that references resolve about as often as not); every so often it breaks a
rule on purpose: a huge literal, a deep nesting, a date near the end of the
calendar, a stray keyword. Tokens are laid out with random blanks, line
breaks (LF, CRLF or CR) and comments, since line breaks mean nothing to the
language. Unlike ``tests/strategies.py`` (Hypothesis), it draws from
``random.Random`` only, so that a campaign runs thousands of inputs a second.
"""

from __future__ import annotations

import random

PARTIES = ["Alice", "Bob", "Carol", "Dave", "OpenAI", "Microsoft"]
BODIES = ["Board", "Panel", "Ceo"]
EVENTS = ["Pay", "Deliver", "Notify", "Terminate", "Buy", "Declare", "Invoice"]
STATES = ["Active", "Open", "Waived", "Strike"]
FACTS = ["Cap", "Fee", "Rate", "Limit", "Flag", "Who"]
KINDS = ["Colour", "Tier"]
MEMBERS = ["Red", "Green", "Gold", "Basic"]
PARAMS = ["amount", "from", "to_", "flag", "rate", "when_"]
TYPES = ["money", "int", "percent", "bool", "date", "duration", "party", "Colour"]
WORDS = ["the", "service", "fee", "§", "#", '\\"', "“", "é", "€", "\t", "x" * 40]


class Gen:
    """One file's worth of random choices."""

    def __init__(self, rng: random.Random, wild: float = 0.05) -> None:
        self.r = rng
        self.wild = wild  # the chance of each deliberately odd choice
        # how many huge literals (texts, digits) a file may still get: one or
        # two find what huge literals break; a hundred of them in a 2,000-item
        # file only make a 3 MB input that takes seconds to parse (and a
        # million-input run take days)
        self.huge_left = 2

    def odd(self) -> bool:
        return self.r.random() < self.wild

    def huge(self) -> bool:
        """Whether to write a huge literal here (an odd choice, within the file's allowance)."""
        if self.huge_left > 0 and self.odd():
            self.huge_left -= 1
            return True
        return False

    def pick(self, xs: list[str]) -> str:
        return self.r.choice(xs)

    # ------------------------------------------------------------- literals

    def string(self) -> str:
        n = self.r.randint(0, 6)
        body = " ".join(self.pick(WORDS) for _ in range(n)).replace('\\"', "")
        if self.huge():
            body = "a" * self.r.choice([1000, 70000])
        if self.r.random() < 0.05:
            return "“" + body.replace("”", "") + "”"
        return '"' + body.replace('"', "").replace("\\", "") + '"'

    def digits(self) -> str:
        if self.huge():
            return "9" * self.r.choice([20, 400, 4301, 5000, 20000])
        return str(self.r.choice([0, 1, 5, 10, 30, 90, 365, 1000, 12345]))

    def int_(self) -> str:
        if self.r.random() < 0.1:
            return "1,000" if not self.odd() else "1,00,0"
        return self.digits()

    def date(self) -> str:
        if self.odd():
            return self.r.choice(
                ["9999-12-31", "9999-12-30", "0001-01-01", "0000-01-01", "2024-02-30", "9998-12-31"]
            )
        return f"{self.r.randint(2020, 2030)}-{self.r.randint(1, 12):02d}-{self.r.randint(1, 28):02d}"

    def money(self) -> str:
        cur = self.pick(["$", "US$", "€", "£", "USD ", "EUR ", "CHF", "GBP "])
        num = self.digits()
        if self.r.random() < 0.3:
            num += "." + self.pick(["5", "50", "25", "125"])
        return cur + num + self.pick(["", "", "K", "M", "B", "T", "bn", "k"])

    def percent(self) -> str:
        return self.digits() + self.pick(["", ".5", ".125"]) + "%"

    def duration(self) -> list[str]:
        return [
            self.digits(),
            self.pick(["day", "days", "week", "weeks", "month", "months", "year", "years"]),
        ]

    def literal(self) -> list[str]:
        k = self.r.randint(0, 6)
        if k == 0:
            return [self.money()]
        if k == 1:
            return [self.date()]
        if k == 2:
            return self.duration()
        if k == 3:
            return [self.percent()]
        if k == 4:
            return [self.int_()]
        return [self.pick(["true", "false"])]

    def clause_ref(self) -> str:
        return "§" + ".".join(str(self.r.randint(1, 9)) for _ in range(self.r.randint(1, 3)))

    # ------------------------------------------------------------- expressions

    def actor(self) -> list[str]:
        a = [self.pick(PARTIES)]
        if self.r.random() < 0.2:
            a += [".", self.pick(BODIES)]
        return a

    def date_expr(self) -> list[str]:
        k = self.r.randint(0, 3)
        return [[self.date(), "horizon", "effective", self.pick(EVENTS + FACTS)][k]]

    def args(self, depth: int, cmp: bool = True) -> list[str]:
        out = ["("]
        for i in range(self.r.randint(0, 3)):
            if i:
                out.append(",")
            out.append(self.pick(PARAMS))
            out.append(self.pick([":", "==", "<", ">="]) if cmp else ":")
            out += ["("] + self.sum(depth - 1) + [")"] if self.r.random() < 0.3 else self.sum(depth - 1)
        return out + [")"]

    def pattern(self, depth: int) -> list[str]:
        p = [self.pick(EVENTS)]
        if self.r.random() < 0.6:
            p += self.args(depth)
        return p

    def atom(self, depth: int) -> list[str]:
        k = self.r.randint(0, 9)
        if depth <= 0 or k < 3:
            return self.literal()
        if k == 3:
            return [self.pick(FACTS + STATES + PARTIES + MEMBERS)]
        if k == 4:
            return self.pattern(depth) + (["by"] + self.actor() if self.r.random() < 0.5 else [])
        if k == 5:
            return ["effective"] + self.pattern(depth)
        if k == 6:
            return self.r.choice(
                [
                    ["breach", "by", self.pick(PARTIES)],
                    ["violation", "of", self.clause_ref()],
                    ["breach", "of", self.clause_ref(), "by", self.pick(PARTIES)],
                ]
            )
        return ["("] + self.expr(depth - 1) + [")"]

    def unary(self, depth: int) -> list[str]:
        if self.r.random() < 0.1:
            return ["-"] + self.unary(depth - 1)
        return self.atom(depth)

    def sum(self, depth: int) -> list[str]:
        out = self.unary(depth)
        while depth > 0 and self.r.random() < 0.25:
            out += [self.pick(["+", "-", "*"])] + self.unary(depth - 1)
        return out

    def comparison(self, depth: int) -> list[str]:
        out = self.sum(depth)
        if self.r.random() < 0.4:
            out += [self.pick(["==", "!=", "<", "<=", ">", ">="])] + self.sum(depth - 1)
        return out

    def cond(self, depth: int) -> list[str]:
        out = (["not"] if self.r.random() < 0.15 else []) + self.comparison(depth)
        while depth > 0 and self.r.random() < 0.3:
            out += (
                [self.pick(["and", "or"])]
                + (["not"] if self.r.random() < 0.1 else [])
                + self.comparison(depth - 1)
            )
        return out

    def negation(self, depth: int) -> list[str]:
        k = self.r.randint(0, 9)
        if depth > 0 and k == 0:
            return ["not"] + self.negation(depth - 1)
        if depth > 0 and k == 1:
            return ["after"] + self.pattern(depth) + [":"] + self.negation(depth - 1)
        if depth > 0 and k == 2:
            return (
                ["from"] + self.date_expr() + ["until"] + self.date_expr() + [":"] + self.negation(depth - 1)
            )
        if depth > 0 and k == 3:
            return ["on"] + self.date_expr() + [":"] + self.negation(depth - 1)
        out = self.comparison(depth)
        if k == 4:
            out += [self.pick(["on", "before", "after"])] + self.date_expr()
        return out

    def expr(self, depth: int) -> list[str]:
        out = self.negation(depth)
        while depth > 0 and self.r.random() < 0.3:
            out += [self.pick(["and", "or"])] + self.negation(depth - 1)
        if depth > 0 and self.r.random() < 0.1:
            out = ["("] + out + [")", "implies"] + self.negation(depth - 1)
        return out

    def deep(self) -> list[str]:
        """A nesting deeper than any real file: parentheses, `not`s or scopes."""
        n = self.r.choice([50, 200, 600, 2000, 5000])
        k = self.r.randint(0, 3)
        if k == 0:
            return ["("] * n + ["true"] + [")"] * n
        if k == 1:
            return ["not"] * n + ["true"]
        if k == 2:
            return ["after", "Pay", ":"] * n + ["true"]
        return ["-"] * n + ["1", "==", "1"]

    # ------------------------------------------------------------- items

    def decl(self) -> list[str]:
        k = self.r.randint(0, 4)
        if k == 0:
            out = ["party", self.pick(PARTIES)]
            if self.r.random() < 0.5:
                out.append(self.string())
            if self.r.random() < 0.3:
                out += ["with", "bodies", self.pick(BODIES), ",", self.pick(BODIES)]
            return out
        if k == 1:
            return ["kind", self.pick(KINDS), "=", self.pick(MEMBERS), "|", self.pick(MEMBERS)]
        if k == 2:
            out = ["fact", self.pick(FACTS), ":", self.pick(TYPES)]
            if self.r.random() < 0.6:
                out += ["="] + self.sum(2)
            return out + ([self.string()] if self.r.random() < 0.3 else [])
        if k == 3:
            out = ["event", self.pick(EVENTS)]
            if self.r.random() < 0.6:
                out.append("(")
                for i in range(self.r.randint(1, 3)):
                    out += ([","] if i else []) + [self.pick(PARAMS), ":", self.pick(TYPES)]
                out.append(")")
            out.append("by")
            if self.r.random() < 0.2:
                out.append("anyone")
            else:
                out += self.actor() + (["or"] + self.actor() if self.r.random() < 0.3 else [])
            return out + ([self.string()] if self.r.random() < 0.3 else [])
        out = ["state", self.pick(STATES)]
        if self.r.random() < 0.3:
            out.append(self.string())
        if self.r.random() < 0.5:
            out.append("holds")

        def tp() -> list[str]:
            return [self.pick([self.date(), "effective", self.pick(EVENTS)])]

        if self.r.random() < 0.6:
            out += ["from"] + tp() + (["or"] + tp() if self.r.random() < 0.3 else [])
        if self.r.random() < 0.4:
            out += ["until"] + tp()
        return out

    def norm(self) -> list[str]:
        out = self.actor()
        k = self.r.randint(0, 3)
        out += [["must", "not"], ["may"], ["has", "power", "to"], ["must"]][k] + self.pattern(2)
        if self.r.random() < 0.3:
            out += ["where"] + self.cond(2)
        if k == 3:
            out += ["within"] + self.duration() if self.r.random() < 0.6 else ["before"] + self.date_expr()
        return out

    def trigger(self) -> list[str]:
        if self.r.random() < 0.2:
            return ["violation", "of", self.clause_ref()]
        out = self.pattern(2)
        if self.r.random() < 0.3:
            out += ["by"] + self.actor()
        if self.r.random() < 0.2:
            out += ["where"] + self.cond(1)
        return out

    def effect(self) -> list[str]:
        return self.r.choice(
            [["ends", self.pick(STATES)], ["starts", self.pick(STATES)], ["ends", "the", "contract"]]
        )

    def clause(self, exc_depth: int = 0) -> list[str]:
        head = (
            self.clause_ref()
            + self.pick(["", "a", "b"])
            + " "
            + self.pick(["", "Title", "Oracle waiver", "Fees"])
        )
        if self.r.random() < 0.3:
            head += (
                " [" + ", ".join(self.pick(["F1", "F2", "F10"]) for _ in range(self.r.randint(1, 2))) + "]"
            )
        if self.r.random() < 0.15:
            head += "  # heading comment"
        out = [head, "\n"]
        for _ in range(self.r.randint(0, 2)):
            out += ["text", self.string()]
        if exc_depth or self.r.random() < 0.3:
            out += ["exception", "to", self.clause_ref()]
            if self.r.random() < 0.2:
                out += ["prevailing", "over", self.clause_ref()]
        for _ in range(self.r.randint(0, 2)):
            g = self.r.randint(0, 4)
            out += [
                ["while"] + self.cond(2),
                ["from"] + self.date_expr(),
                ["until", self.date()],
                ["until", "horizon"],
                ["until"] + self.pattern(1),
            ][g]
        if self.r.random() < 0.1:
            out += ["survives", "termination"]
        for _ in range(self.r.randint(1, 3)):
            k = self.r.randint(0, 3)
            if k == 0:
                out += self.trigger() + self.effect()
            elif k == 1:
                out += (
                    ["when"]
                    + self.trigger()
                    + [":"]
                    + (self.norm() if self.r.random() < 0.7 else self.effect())
                )
            else:
                out += self.norm()
        return out

    def exception_chain(self) -> list[str]:
        """Clauses §1, §1.1 excepting §1, §1.1.1 excepting §1.1, ... (a deep
        chain); past 100 levels §901, §902 excepting §901, ... (nested numbers
        would make the file's size grow with the square of its depth)."""
        n = self.r.choice([10, 100, 490, 1200])
        out: list[str] = []
        ident = "1"
        for i in range(n):
            if n <= 100:
                parent, ident = ident, (ident + ".1" if i else ident)
            else:
                parent, ident = f"{900 + i}", f"{901 + i}"
            out += [f"§{ident} Level {i}", "\n"]
            if i:
                out += ["exception", "to", "§" + parent]
            out += ["Alice", "may", "Pay"]
        return out

    def check(self) -> list[str]:
        out = ["check"]
        if self.r.random() < 0.5:
            out.append(self.pick(["c1", "c2", "cap_holds"]))
        out += [self.string(), ":"]
        for _ in range(self.r.randint(0, 2)):
            out += ["given"] + self.expr(2)
        body = self.deep() if self.odd() else self.expr(3)
        return out + [self.pick(["possible", "always", "never"])] + body

    def item(self) -> list[str]:
        k = self.r.random()
        if k < 0.45:
            return self.decl()
        if k < 0.8:
            return self.clause()
        return self.check()

    # ------------------------------------------------------------- files

    def header(self) -> list[str]:
        out = ["contract", self.string(), "effective", self.date()]
        if self.r.random() < 0.7:
            out += ["horizon", self.date()]
        if self.r.random() < 0.3:
            out += ["currency", self.pick(["USD", "EUR", "GBP", "CHF"])]
        return out

    def contract(self) -> list[str]:
        out = self.header()
        for p in PARTIES[: self.r.randint(1, 3)]:
            out += ["party", p]
        for e in EVENTS[: self.r.randint(0, 3)]:
            out += ["event", e, "(", "amount", ":", "money", ")", "by", "anyone"]
        n = self.r.randint(0, 8)
        k = self.r.random()
        if k < 0.02:  # a long file; a very long one (seconds to parse) rarely
            n = 2000 if k < 0.001 else 200
        for _ in range(n):
            out += self.item()
        if self.odd():
            out += self.exception_chain()
        return out

    def scenario(self, events: dict[str, list[str]], contract: str) -> list[str]:
        out = ["scenario", self.string(), "for", '"' + contract + '"']
        names = list(events) or EVENTS
        for _ in range(self.r.randint(0, 3)):
            out += ["fact", self.pick(FACTS), "="] + self.sum(1)
        for _ in range(self.r.randint(0, 6)):
            ev = self.pick(names)
            out += [self.date(), ev]
            params = events.get(ev, PARAMS[:2])
            if params or self.r.random() < 0.3:
                out.append("(")
                for i, p in enumerate(params):
                    out += ([","] if i else []) + [p, ":"] + self.sum(1)
                out.append(")")
            if self.r.random() < 0.5:
                out += ["by"] + self.actor()
        return out

    def amendment(self, contract: str) -> list[str]:
        out = ["amendment", self.string(), "to", '"' + contract + '"']
        for _ in range(self.r.randint(0, 5)):
            k = self.r.randint(0, 2)
            if k == 0:
                out += ["add"] + self.item()
            elif k == 1:
                out += ["replace"] + self.item()
            else:
                out += ["remove"] + self.r.choice(
                    [
                        [self.clause_ref()],
                        [self.pick(["party", "event", "state", "fact", "kind"]), self.pick(PARTIES + EVENTS)],
                        ["check", self.pick(["c1", '"A title"'])],
                    ]
                )
        return out

    # ------------------------------------------------------------- layout

    def lay_out(self, toks: list[str]) -> str:
        nl = self.r.choice(["\n"] * 6 + ["\r\n", "\r"])
        parts: list[str] = []
        if self.r.random() < 0.3:
            parts.append("# opening comment" + nl + (nl if self.r.random() < 0.5 else ""))
        for t in toks:
            if t == "\n":
                parts.append(nl)
                continue
            if t.startswith("§") and " " in t and parts and not parts[-1].endswith(nl):
                parts.append(nl)  # a clause heading runs to the end of its line
            parts.append(t)
            k = self.r.random()
            if k < 0.08:
                parts.append(nl)
            elif k < 0.1:
                parts.append("  # note" + str(self.r.randint(0, 99)) + nl)
            elif k < 0.11:
                parts.append(nl + "# own line" + nl)
            else:
                parts.append(self.pick([" ", " ", " ", "  ", "\t"]))
        text = "".join(parts)
        if self.r.random() < 0.1:
            text += nl + "# the end" + nl
        if self.r.random() < 0.05:
            text = "\ufeff" + text
        return text


def contract_text(rng: random.Random, wild: float = 0.05) -> str:
    g = Gen(rng, wild)
    return g.lay_out(g.contract())


def scenario_text(rng: random.Random, events: dict[str, list[str]], contract: str, wild: float = 0.05) -> str:
    g = Gen(rng, wild)
    return g.lay_out(g.scenario(events, contract))


def amendment_text(rng: random.Random, contract: str, wild: float = 0.05) -> str:
    g = Gen(rng, wild)
    return g.lay_out(g.amendment(contract))

"""From the size of an input to whether the front end reads it: the limits,
in one place (``docs/language.md`` lists them).

Each limit has its own diagnostic code (``dsl.diagnostics.CODES``): a file
over them is told what the limit is and how far over it the file goes, and is
never read into a traceback, a stack overflow or an endless run.
"""

from __future__ import annotations

# A file of more than this many bytes is not read (``file-too-large``). The
# largest contract the project has seen is about 1 MB.
MAX_FILE_BYTES = 4 * 1024 * 1024

# Digits of one number, amount or percentage, as written (``literal-too-large``).
# Python converts integers of more than 4,300 digits to text only on request, and
# a value this large means nothing in a contract.
MAX_LITERAL_DIGITS = 100

# Characters of one quoted text (``text-too-long``).
MAX_TEXT_CHARS = 100_000

# How deeply constructs may nest (``nesting-too-deep``), counted each of three
# ways: the depth of the syntax tree (each operator, scope, `not`, statement and
# item is a level), parentheses inside parentheses, and a chain of exceptions
# to exceptions. The passes after the parser walk trees recursively; this keeps
# them well inside Python's stack (``dsl.parse`` also checks the stack left).
MAX_NESTING = 200

# Top-level items of one file: declarations, clauses and checks, a scenario's
# facts and events, an amendment's changes (``too-many-declarations``).
MAX_DECLARATIONS = 100_000

"""``python -m verifier`` is ``verify``."""

from verifier.cli import verify_main

verify_main()

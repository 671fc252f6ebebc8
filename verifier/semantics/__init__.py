"""The meaning of a contract on one concrete scenario: ``interpret`` (the reference interpreter)."""

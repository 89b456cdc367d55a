"""Forgotten passwords: a single-use reset link by e-mail."""

"""Printable documents (PDF): receipts, acceptance notices, debt notices."""

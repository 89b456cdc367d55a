"""Probe."""

from registry.search import Match
from taxoffice.auth.roles import Role
from tests.support.servers import postgres_server

x: int = Match.WORDS
print(Match.NOPE, Role.OFFICER, postgres_server)

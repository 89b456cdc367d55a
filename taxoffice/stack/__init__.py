"""The production topology on one machine (``taxoffice stack``).

PostgreSQL with a streaming replica, Redis, API processes and arq workers, run together by honcho.
"""

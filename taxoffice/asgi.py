"""The ASGI entry point for servers (``uvicorn taxoffice.asgi:app``)."""

from taxoffice.app import create_app

app = create_app()

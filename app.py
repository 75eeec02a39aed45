"""WSGI entry point: ``gunicorn app:app``.

Importing this module builds the app from the environment (GRAPHSVC_*); the
package itself never does that at import time.
"""
from graphsvc.web import create_app

app = create_app()

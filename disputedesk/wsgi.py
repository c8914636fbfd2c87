"""The WSGI entry point: `disputedesk serve` runs
gunicorn -c python:disputedesk.gunicorn_conf disputedesk.wsgi:app."""

from disputedesk.app import create_app

app = create_app()

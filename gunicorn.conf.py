"""gunicorn's settings: `gunicorn wsgi:app` reads this file from the working directory."""

import os

import gunicorn.http.wsgi

# gunicorn names itself in a Server header on every answer and has no setting to stop it;
# the header tells an attacker what to try, so it says only the product's name.
gunicorn.http.wsgi.SERVER = "disputedesk"

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"  # one line per request on stdout; the app's own logs are JSON

"""Disputedesk: case management for advertiser billing disputes.

`disputedesk.app` is the Flask application (web, API, services, queries, models),
`disputedesk.workflows` the rules it applies (no Flask, no SQLAlchemy), and the package carries
its templates, static files and migrations, so an installed wheel runs on its own.
"""

"""Reads: what the pages and the API show. Nothing here changes anything."""

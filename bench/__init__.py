"""The benchmark harness: `python -m bench seed` builds data, `python -m bench run` times it."""

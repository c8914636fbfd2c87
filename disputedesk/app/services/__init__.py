"""The use cases: each is one function that owns one transaction."""

"""Security of the running service: headers, production settings, sessions, sign-in limits."""

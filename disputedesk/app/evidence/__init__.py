"""Evidence files: recognising their type and keeping them."""

"""The pure domain of Disputedesk: no Flask, no SQLAlchemy."""

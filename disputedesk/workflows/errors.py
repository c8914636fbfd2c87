"""Domain errors that the web, API and CLI layers turn into answers."""


class DomainError(Exception):
    """Base of every refusal the domain gives; `title` is shown to people."""

    title = "Request refused"

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class InvalidInput(DomainError):
    title = "Invalid input"

    def __init__(self, errors: dict[str, str]) -> None:
        detail = "; ".join(f"{field}: {message}" for field, message in errors.items())
        super().__init__(detail, errors=errors)
        self.errors = errors


class NotFound(DomainError):
    title = "Not found"


class NotPermitted(DomainError):
    title = "Not permitted"


class TransitionNotAllowed(DomainError):
    title = "Not allowed in this state"


class GuardsFailed(DomainError):
    title = "Conditions not met"

    def __init__(self, failures: dict[str, str]) -> None:
        detail = "; ".join(f"{name}: {message}" for name, message in failures.items())
        super().__init__(detail, guards=list(failures))
        self.failures = failures


class StaleCase(DomainError):
    title = "This case changed"


class PreconditionFailed(StaleCase):
    """The version the caller named (the API's If-Match) is no longer the case's."""


class Conflict(DomainError):
    title = "Conflict"


class FileMissing(DomainError):
    """A stored file its row promises is not in storage (restored without it, deleted by hand)."""

    title = "Stored file missing"

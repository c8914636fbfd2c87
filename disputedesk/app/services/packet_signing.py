"""Audit packets signed with Ed25519, so an auditor verifies one offline with the service's
public key and standard tools (sha256sum and openssl; see the README).

The signing key is derived from AUDIT_KEY (which already keys the hash chains), so there is
no second secret to keep; only the public key leaves the service.
"""

import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from disputedesk.app.models import User
from disputedesk.app.services.audit import audit_key
from disputedesk.workflows.errors import NotPermitted

SUMS, SIGNATURE = "SHA256SUMS", "SHA256SUMS.sig"


def signing_key() -> Ed25519PrivateKey:
    seed = hashlib.sha256(b"disputedesk audit packet signing:" + audit_key()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_pem() -> str:
    """The public key auditors verify packets with (PEM, SubjectPublicKeyInfo)."""
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def published_key(user: User) -> str:
    """The public key, for those who may download packets (and so need to verify them)."""
    if not user.can("download_audit_packets"):
        raise NotPermitted("audit packets are for the billing team and finance")
    return public_key_pem()


def signed(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files with SHA256SUMS (sha256sum's format, every file) and its raw Ed25519 signature."""
    sums = "".join(
        f"{hashlib.sha256(body).hexdigest()}  {name}\n" for name, body in sorted(files.items())
    ).encode()
    return {**files, SUMS: sums, SIGNATURE: signing_key().sign(sums)}

"""Content-addressed storage for evidence files, behind a small interface."""

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Staged:
    """An upload written to a temporary file, with what streaming it taught us."""

    path: Path
    sha256: str
    size: int


class EvidenceStore(Protocol):
    """Where evidence lives: a local directory today, an S3-compatible bucket later."""

    def keep(self, staged: Staged) -> str: ...  # returns the storage key
    def open(self, key: str) -> IO[bytes]: ...
    def discard(self, key: str) -> None: ...


class LocalStore:
    """Files under root/ab/cd/<sha256>; the name a person gave a file is never a path."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @contextmanager
    def staging(self, stream: IO[bytes], limit: int) -> Iterator[Staged]:
        """Stream an upload to a temporary file, hashing as it goes; remove it afterwards."""
        incoming = self.root / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=incoming, delete=False) as handle:
            path = Path(handle.name)
        try:
            digest, size = hashlib.sha256(), 0
            with path.open("wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(limit)
                    digest.update(chunk)
                    out.write(chunk)
            yield Staged(path, digest.hexdigest(), size)
        finally:
            path.unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("not a storage key")
        return self.root / key[:2] / key[2:4] / key

    def keep(self, staged: Staged) -> str:
        target = self._path(staged.sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged.path, target)  # same file system: atomic, never half a file
        return staged.sha256

    def open(self, key: str) -> IO[bytes]:
        return self._path(key).open("rb")

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class TooLarge(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is larger than {limit // (1024 * 1024)} MB")
        self.limit = limit

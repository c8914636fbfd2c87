"""An audit packet is signed: SHA256SUMS lists every file and carries an Ed25519 signature an
auditor checks offline with the service's public key, sha256sum and openssl (README)."""

import io
import shutil
import subprocess
import zipfile

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from tests.api.helpers import assert_problem
from tests.api.test_api_insight import PACKET

# those who may download packets (other teams' people too: they get their own cases' packets)
KEY_READERS = {"analyst", "analyst2", "lead", "approver", "admin", "other_lead", "other_analyst"}


@pytest.fixture
def packet(api, make, cast):
    case = make.dispute(cast, "investigating", assignee=cast.analyst, reason="rate_mismatch")
    make.required_evidence(case, cast.analyst)  # a contract excerpt: a file in the packet
    answer = api(cast.lead).get(f"/disputes/{case.ref}/audit-packet")
    assert answer.status_code == 200
    return zipfile.ZipFile(io.BytesIO(answer.data))


@pytest.fixture
def public_key(api, cast) -> bytes:
    answer = api(cast.approver).get("/audit-packets/public-key")
    assert answer.status_code == 200 and answer.mimetype == "application/x-pem-file"
    return answer.data


@pytest.mark.parametrize("who", PACKET)
def test_the_public_key_is_published_to_those_who_download_packets(api, cast, who):
    answer = api(getattr(cast, who)).get("/audit-packets/public-key")
    if who in KEY_READERS:
        assert answer.status_code == 200 and answer.data.startswith(b"-----BEGIN PUBLIC KEY")
    else:
        assert_problem(answer, 403)


def test_every_file_is_listed_and_the_list_is_signed(packet, public_key):
    sums = packet.read("SHA256SUMS")
    listed = {line.split("  ", 1)[1] for line in sums.decode().splitlines()}
    assert listed == set(packet.namelist()) - {"SHA256SUMS", "SHA256SUMS.sig"}
    assert any(name.startswith("evidence/") for name in listed)
    load_pem_public_key(public_key).verify(packet.read("SHA256SUMS.sig"), sums)  # raises if not
    with pytest.raises(InvalidSignature):
        load_pem_public_key(public_key).verify(packet.read("SHA256SUMS.sig"), sums + b"x")


@pytest.mark.skipif(not (shutil.which("openssl") and shutil.which("sha256sum")),
                    reason="the offline check uses openssl and sha256sum")  # fmt: skip
def test_an_auditor_verifies_it_offline_with_the_documented_commands(packet, public_key, tmp_path):
    packet.extractall(tmp_path / "p")
    (tmp_path / "key.pem").write_bytes(public_key)

    def check() -> tuple[int, int]:
        signature = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "../key.pem", "-rawin",
             "-in", "SHA256SUMS", "-sigfile", "SHA256SUMS.sig"],
            cwd=tmp_path / "p", capture_output=True, timeout=30, check=False,
        ).returncode  # fmt: skip
        files = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=tmp_path / "p",
                               capture_output=True, timeout=30, check=False).returncode  # fmt: skip
        return signature, files

    assert check() == (0, 0)
    (tmp_path / "p" / "case.json").write_text('{"case": "edited"}')
    assert check() == (0, 1)  # the list still holds; the edited file does not match it
    sums = tmp_path / "p" / "SHA256SUMS"
    sums.write_text(sums.read_text().replace("  case.json", "  case.html", 1))
    assert check()[0] != 0  # an edited list breaks the signature

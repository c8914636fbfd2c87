"""Webhook signatures and the address guard, as plain functions."""

import pytest

from disputedesk.workflows.webhooks import address_problem, host_allowed, sign, sign_all, verify

BODY = b'{"type":"dispute.filed"}'


def test_a_signature_verifies_for_its_secret_body_and_time_only():
    header = sign("whsec_1", 1_700_000_000, BODY)
    assert header.startswith("t=1700000000,v1=")
    assert verify("whsec_1", header, BODY, now=1_700_000_100)
    assert not verify("whsec_2", header, BODY, now=1_700_000_100)
    assert not verify("whsec_1", header, BODY + b" ", now=1_700_000_100)
    assert not verify("whsec_1", header, BODY, now=1_700_000_301)  # a replay after 5 minutes
    assert not verify("whsec_1", "v1=abc", BODY, now=1_700_000_000)


def test_during_a_rotation_either_secret_verifies_and_no_other():
    header = sign_all(["whsec_new", "whsec_old"], 1_700_000_000, BODY)
    assert header.count("v1=") == 2
    assert verify("whsec_new", header, BODY, now=1_700_000_000)
    assert verify("whsec_old", header, BODY, now=1_700_000_000)
    assert not verify("whsec_other", header, BODY, now=1_700_000_000)
    twice = f"t=1700000000,{header}"  # a second timestamp: refused, not guessed between
    assert not verify("whsec_new", twice, BODY, now=1_700_000_000)


@pytest.mark.parametrize(
    ("address", "allowed", "loopback", "refused"),
    [
        ("93.184.216.34", (), False, False),  # a public address
        ("169.254.169.254", ("169.254.0.0/16",), True, True),  # metadata, whatever is allowed
        ("fd00:ec2::254", (), True, True),
        ("169.254.1.1", (), True, True),  # link-local
        ("fe80::1", (), True, True),
        ("::ffff:169.254.169.254", (), True, True),  # the same, written as IPv6
        ("127.0.0.1", (), False, True),
        ("127.0.0.1", (), True, False),
        ("10.1.2.3", (), False, True),  # private, not allowed
        ("10.1.2.3", ("10.0.0.0/8",), False, False),  # private, in an allowed network
        ("0.0.0.0", (), True, True),
        ("224.0.0.1", (), True, True),
    ],
)
def test_the_guard_refuses_metadata_link_local_and_what_is_not_allowed(
    address, allowed, loopback, refused
):
    assert (address_problem(address, allowed, loopback) is not None) == refused


@pytest.mark.parametrize(
    ("host", "allowed", "ok"),
    [
        ("erp.example.com", ("erp.example.com",), True),
        ("a.hooks.example.com", ("*.hooks.example.com",), True),
        ("hooks.example.com.evil.net", ("*.hooks.example.com",), False),
        ("evilhooks.example.com", ("*.hooks.example.com",), False),
        ("10.0.0.5", ("10.0.0.0/24",), True),
        ("erp.example.com", (), False),
    ],
)
def test_the_allow_list_matches_exact_hosts_subdomains_and_networks(host, allowed, ok):
    assert host_allowed(host, allowed) == ok

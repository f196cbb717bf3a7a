"""Which address the sign-in pauses count failures against (certcatalog/proxy.py, and
certcatalog/signin.py's lockout_address), as django-axes reads it through AXES_CLIENT_IP_CALLABLE:
forged or malformed X-Forwarded-For entries never pick it."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory


def _address(settings, *, behind_proxy: bool, **meta) -> str | None:
    settings.BEHIND_PROXY = behind_proxy
    return get_client_ip_address(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **meta))


def test_behind_the_proxy_the_last_forwarded_address_is_the_client(settings):
    forwarded = {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.9 , 81.2.69.160"}
    assert _address(settings, behind_proxy=True, **forwarded) == "81.2.69.160"


@pytest.mark.parametrize("forwarded", [None, "", " ", "1.1.1.1, "])
def test_behind_the_proxy_a_missing_or_empty_last_entry_falls_back_to_the_connection(
    settings, forwarded
):
    meta = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    assert _address(settings, behind_proxy=True, **meta) == "10.0.0.1"


def test_without_a_proxy_a_client_sent_forwarded_header_is_ignored(settings):
    forwarded = {"HTTP_X_FORWARDED_FOR": "81.2.69.160"}
    assert _address(settings, behind_proxy=False, **forwarded) == "10.0.0.1"


@pytest.mark.parametrize(
    "forwarded",
    [
        "not-an-ip",
        "81.2.69.160, not-an-ip",
        "81.2.69.160:443",
        "[2001:db8::1]:443",
        "fe80::1%eth0",
        "1.2.3.4\x00",
        "01.2.3.4",
        "256.1.1.1",
        "x" * 10_000,
        "1.1.1.1, " * 2_000,
    ],
)
def test_behind_the_proxy_a_malformed_last_entry_falls_back_to_the_connection(settings, forwarded):
    assert _address(settings, behind_proxy=True, HTTP_X_FORWARDED_FOR=forwarded) == "10.0.0.1"


@pytest.mark.parametrize(
    ("forwarded", "address"),
    [
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::"),  # canonical, and counted by its /64
        ("2001:db8::1:2:3:4", "2001:db8::"),
        ("::ffff:81.2.69.160", "81.2.69.160"),  # an IPv4 client seen over IPv6 is that client
        (" 81.2.69.160 ", "81.2.69.160"),
    ],
)
def test_the_address_is_canonical_and_an_ipv6_one_is_its_network(settings, forwarded, address):
    assert _address(settings, behind_proxy=True, HTTP_X_FORWARDED_FOR=forwarded) == address


@pytest.mark.parametrize("remote", ["", "not-an-ip", "unix:/run/gunicorn.sock"])
def test_a_connection_without_a_valid_address_has_none(settings, remote):
    settings.BEHIND_PROXY = False
    assert get_client_ip_address(RequestFactory().get("/", REMOTE_ADDR=remote)) is None


def test_behind_the_proxy_a_missing_forwarded_header_is_logged(settings, caplog):
    """Sign-in failures then count against the proxy's address, which every client shares."""
    assert _address(settings, behind_proxy=True) == "10.0.0.1"
    assert "X-Forwarded-For is missing" in caplog.text

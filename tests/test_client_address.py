"""Which address the admin lockout counts failures against (certcatalog/proxy.py), as django-axes
reads it through AXES_CLIENT_IP_CALLABLE: forged X-Forwarded-For entries never pick it."""

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

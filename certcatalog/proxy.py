"""The client's address, for the admin lockout (django-axes' AXES_CLIENT_IP_CALLABLE)."""

from django.conf import settings


def client_ip(request) -> str | None:
    """Behind the trusted proxy (DJANGO_BEHIND_PROXY), the last X-Forwarded-For entry: the
    address the proxy itself saw. Earlier entries come from the client and can be forged.
    Otherwise the connection's own address; a client-sent X-Forwarded-For is ignored."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")

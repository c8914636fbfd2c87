"""Security headers on every answer, pages and API alike."""

from flask import Flask, Response, request

# Every script and style comes from static/: no inline code, no eval, nothing from elsewhere.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    """Set the headers a view has not set itself (an evidence download sets its own)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:  # only HTTPS may ask the browser to stay on HTTPS
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    response.headers.pop("Server", None)
    return response


def init_app(app: Flask) -> None:
    """Trust the load balancer's forwarded headers when told how many proxies stand in front."""
    hops = app.config.get("PROXY_HOPS", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.after_request(add_security_headers)

"""The browser policies every response carries, built for base.py."""

from urllib.parse import urlsplit

from csp.constants import NONE, SELF


# Content-Security-Policy (django-csp): scripts and styles only from Baton's own static
# files, no inline script, style or on* handler, no eval (htmx's config meta tag in
# base.html turns its eval and its injected indicator <style> off). connect-src 'self'
# covers the websocket on the page's own host (CSP 3); the explicit ws(s) origin of
# BATON_BASE_URL is for browsers that predate that.
def content_security_policy(base_url: str) -> dict:
    base = urlsplit(base_url)
    socket_origin = f"{'wss' if base.scheme == 'https' else 'ws'}://{base.netloc}"
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            # data: for the TOTP QR code allauth draws as an inline SVG image.
            "img-src": [SELF, "data:"],
            "font-src": [SELF],
            "connect-src": [SELF, socket_origin],
            "object-src": [NONE],
            "base-uri": [NONE],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }


# Permissions-Policy (django-permissions-policy): Baton uses none of these features.
PERMISSIONS_POLICY_NONE = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

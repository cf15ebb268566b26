"""Content-Security-Policy and Permissions-Policy on every page, and templates that
keep to the policy (the browser suite, tests/e2e, checks the pages in Chromium)."""

import re
from pathlib import Path

import pytest
from django.template.loader import get_template

ROOT = Path(__file__).resolve().parents[2]
# Emails are not served under the page's policy: mail clients want inline styles.
PAGE_TEMPLATES = [
    path
    for path in ROOT.glob("**/templates/**/*.html")
    if ".venv" not in path.parts and "node_modules" not in path.parts and "email" not in path.parts
]
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # inline script
    re.compile(r"\son[a-z]+\s*=", re.I),  # onclick= and friends
    re.compile(r"\sstyle\s*=", re.I),  # style attribute
    re.compile(r"<style", re.I),  # style element
    re.compile(r"hx-on|js:|\[[a-z_.]+\s*==", re.I),  # htmx handlers and trigger filters: eval
]


@pytest.mark.django_db  # the login page lists allauth's sign-in providers
def test_every_page_gets_a_policy_without_inline_script_or_eval(client):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "'self'" in directives["connect-src"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_style_or_handler(path):
    text = path.read_text()
    found = [m.group(0) for pattern in INLINE for m in pattern.finditer(text)]
    assert found == [], f"{path.relative_to(ROOT)} needs the CSP to allow {found}"


def test_the_500_page_renders_without_a_request():
    # Django's server_error renders it with no context at all.
    assert "Something went wrong" in get_template("500.html").render()


@pytest.mark.django_db
def test_the_api_docs_page_allows_only_its_inline_style(client_for, alice):
    policy = client_for(alice).get("/api/docs/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert "'unsafe-inline'" in directives["style-src"]
    assert directives["script-src"] == "'self'"
    # Everywhere else styles stay 'self' only.
    assert "'unsafe-inline'" not in client_for(alice).get("/trees/")["Content-Security-Policy"]

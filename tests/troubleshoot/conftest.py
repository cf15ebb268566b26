import pytest

from tests.factories_sessions import make_tree
from tests.fakes import FakeAnthropic


@pytest.fixture
def fake_anthropic(settings):
    """The real SDK pointed at a local fake Messages API (no retries unless a test asks)."""
    with FakeAnthropic() as fake:
        settings.ANTHROPIC_API_KEY = "test-key"
        settings.ANTHROPIC_BASE_URL = fake.base_url
        settings.BATON_AI_MAX_RETRIES = 0
        settings.BATON_AI_TIMEOUT = 2.0
        yield fake


@pytest.fixture
def tree_v1(acme, owner):
    """A published version (v1) of a small tree in acme: question → action → solutions."""
    return make_tree(acme, owner, title="Printer offline", category="Printing")

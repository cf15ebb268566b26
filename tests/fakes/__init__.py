"""Local fakes of external services, for tests and the benchmark."""

from tests.fakes.anthropic_server import FakeAnthropic, FakeReply

__all__ = ["FakeAnthropic", "FakeReply"]

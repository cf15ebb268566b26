"""The one websocket consumer, /ws/events/.

Thin by design: it checks the user (read from the login cookie at connect by
troubleshoot/accounts/ws_auth.py) and their role, joins the groups the role allows and
forwards small `{type, ...}` events as JSON. It never reads what the client sends.
Events reach it through the process' socket hub (troubleshoot/live/socket_hub.py), which
hears each group once per process instead of once per socket.
"""

import logging
from collections.abc import Callable
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from troubleshoot.accounts.roles import is_engineer_or_above, is_member
from troubleshoot.input.params import parse_id
from troubleshoot.live.events import (
    ACCESS_CHANGED,
    CLOSE_ACCESS_CHANGED,
    account_group,
    session_group,
    user_group,
)
from troubleshoot.live.socket_hub import hub_for_running_loop

logger = logging.getLogger(__name__)

# A socket whose groups could not be joined (channel layer down): the page's script
# reconnects and re-fetches, so it misses nothing once the layer is back.
CLOSE_TRY_AGAIN = 1013

# Who may hear a session's group is the sessions domain's rule, the same check as the
# session's pages. Sessions registers it at start-up (troubleshoot/apps.py), so live, which
# sessions publishes through, never imports sessions. Until then no session is joined.
SessionAccessCheck = Callable[[object, int], bool]
_session_access_check: SessionAccessCheck = lambda user, session_id: False  # noqa: E731


def register_session_access_check(check: SessionAccessCheck) -> None:
    global _session_access_check
    _session_access_check = check


class EventsConsumer(AsyncJsonWebsocketConsumer):
    # No channel of its own: the hub's one channel per process hears the groups.
    # (get_channel_layer returns None for an alias that is not configured.)
    channel_layer_alias = None
    groups_joined: list[str]
    closing = False  # closed by the server; the hub may still hold it until disconnect

    async def connect(self):
        self.groups_joined = []
        user = self.scope.get("user")
        allowed, groups = await database_sync_to_async(self._groups_for)(
            user, self._session_asked_for()
        )
        if not allowed:
            await self.close(code=4401)
            return
        # Accepted first: the hub may forward an event as soon as the socket is in a group.
        await self.accept()
        hub = hub_for_running_loop()
        try:
            for group in groups:
                await hub.join(group, self)
                self.groups_joined.append(group)
        except Exception:
            logger.warning("could not join the event groups", exc_info=True)
            await self.close(code=CLOSE_TRY_AGAIN)
            return
        await self.send_json({"type": "hello", "groups": len(groups)})

    async def forward(self, text: str) -> None:
        """Called by the hub: the event is already JSON, serialised once by publish_now."""
        if self.closing:
            return
        if text == ACCESS_CHANGED:
            # Role changed or person removed: the groups joined at connect may no longer
            # be theirs. Closing makes the page reconnect, and connect decides afresh.
            self.closing = True
            await self.close(code=CLOSE_ACCESS_CHANGED)
            return
        await self.base_send({"type": "websocket.send", "text": text})

    def _session_asked_for(self) -> int | None:
        """`?session=<id>`: a page showing one session also hears that session's group."""
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        # parse_id, not str.isdigit(): "²" is a digit to isdigit() and no number to int().
        return parse_id((query.get("session") or [""])[0])

    @staticmethod
    def _groups_for(user, session_id: int | None = None) -> tuple[bool, list[str]]:
        # A user deactivated since logging in is already anonymous here (ws_auth asks
        # the auth backend, which refuses inactive users).
        if user is None or not user.is_authenticated or not is_member(user):
            return False, []
        groups = [user_group(user.pk)]
        if is_engineer_or_above(user):
            groups.append(account_group(user.account_id))
        # A session the user may not see is simply not joined (the socket still serves
        # the rest).
        if session_id is not None and _session_access_check(user, session_id):
            groups.append(session_group(session_id))
        return True, groups

    async def disconnect(self, code):
        hub = hub_for_running_loop()
        for group in getattr(self, "groups_joined", []):
            await hub.leave(group, self)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # Clients only listen; anything they send is ignored unread (so a frame that is
        # not JSON is no error either).
        return

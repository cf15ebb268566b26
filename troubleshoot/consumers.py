"""The one websocket consumer, /ws/events/.

Thin by design: it checks the user (read from the login cookie at connect by
troubleshoot/ws_auth.py) and their role, joins the groups the role allows and
forwards small `{type, ...}` events as JSON. It never reads what the client sends.
Events reach it through the process' socket hub (troubleshoot/socket_hub.py), which
hears each group once per process instead of once per socket.
"""

import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from troubleshoot.events import account_group, session_group, user_group
from troubleshoot.extensions import SESSION_LISTENER_CHECKS
from troubleshoot.roles import is_engineer_or_above, is_member
from troubleshoot.selectors.sessions import get_session_for_user
from troubleshoot.socket_hub import hub_for_running_loop

logger = logging.getLogger(__name__)

# A socket whose groups could not be joined (channel layer down): the page's script
# reconnects and re-fetches, so it misses nothing once the layer is back.
CLOSE_TRY_AGAIN = 1013


class EventsConsumer(AsyncJsonWebsocketConsumer):
    # No channel of its own: the hub's one channel per process hears the groups.
    # (get_channel_layer returns None for an alias that is not configured.)
    channel_layer_alias = None
    groups_joined: list[str]

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
        await self.base_send({"type": "websocket.send", "text": text})

    def _session_asked_for(self) -> int | None:
        """`?session=<id>`: a page showing one session also hears that session's group."""
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        value = (query.get("session") or [""])[0]
        return int(value) if value.isdigit() else None

    @staticmethod
    def _groups_for(user, session_id: int | None = None) -> tuple[bool, list[str]]:
        # A user deactivated since logging in is already anonymous here (ws_auth asks
        # the auth backend, which refuses inactive users).
        if user is None or not user.is_authenticated or not is_member(user):
            return False, []
        groups = [user_group(user.pk)]
        if is_engineer_or_above(user):
            groups.append(account_group(user.account_id))
        if session_id is not None:
            # The same access check as the session's pages; a session the user may not
            # see is simply not joined (the socket still serves the rest).
            try:
                get_session_for_user(user, session_id, for_page=False)
            except Http404:
                if any(check(user, session_id) for check in SESSION_LISTENER_CHECKS):
                    groups.append(session_group(session_id))
            else:
                groups.append(session_group(session_id))
        return True, groups

    async def disconnect(self, code):
        hub = hub_for_running_loop()
        for group in getattr(self, "groups_joined", []):
            await hub.leave(group, self)

    async def receive_json(self, content, **kwargs):
        # Clients only listen; anything they send is ignored.
        return

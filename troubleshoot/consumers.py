"""The one websocket consumer, /ws/events/.

Thin by design: it authenticates, joins the groups the user's role allows and
forwards small `{type, ...}` events as JSON. It never reads what the client sends.
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from troubleshoot.events import MESSAGE_TYPE, account_group, session_group, user_group
from troubleshoot.roles import is_engineer_or_above, is_member
from troubleshoot.selectors.sessions import get_session_for_user


class EventsConsumer(AsyncJsonWebsocketConsumer):
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
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()
        await self.send_json({"type": "hello", "groups": len(groups)})

    def _session_asked_for(self) -> int | None:
        """`?session=<id>`: a page showing one session also hears that session's group."""
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        value = (query.get("session") or [""])[0]
        return int(value) if value.isdigit() else None

    @staticmethod
    def _groups_for(user, session_id: int | None = None) -> tuple[bool, list[str]]:
        # Re-read the user: the session may belong to someone since deactivated.
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
                pass
            else:
                groups.append(session_group(session_id))
        return True, groups

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # Clients only listen; anything they send is ignored.
        return

    async def dispatch(self, message):
        # Channels runs close_old_connections on a worker thread before every handler;
        # forwarding an event touches no database, and that hop was the largest cost of
        # fanning one event out to 500 sockets (measured in bench/: ~0.23 ms a socket).
        if message.get("type") == MESSAGE_TYPE:
            await self.baton_event(message)
            return
        await super().dispatch(message)

    async def baton_event(self, message):
        # Already JSON (events.publish_now): one dumps per event, not one per socket.
        await self.send(text_data=message["text"])

from django.urls import path

from troubleshoot.sessions.views import chat, seen_before, session

# /sessions/<id>/handoff/ and /sessions/<id>/pickup/ belong to the handoffs app.
urlpatterns = [
    path("sessions/", session.session_list, name="session_list"),
    path("sessions/new/", session.session_new, name="session_new"),
    path("sessions/new/chat/", session.session_new_chat, name="session_new_chat"),
    path("sessions/<id:session_id>/", session.session_detail, name="session_detail"),
    path("sessions/<id:session_id>/timeline/", session.session_timeline, name="session_timeline"),
    path("sessions/<id:session_id>/answer/", session.session_answer, name="session_answer"),
    path("sessions/<id:session_id>/jump/<id:step_id>/", session.session_jump, name="session_jump"),
    path("sessions/<id:session_id>/note/", session.session_note, name="session_note"),
    path("sessions/<id:session_id>/jump/<id:step_id>/", session.session_jump, name="session_jump"),
    path("sessions/<id:session_id>/note/", session.session_note, name="session_note"),
    path("sessions/<id:session_id>/details/", session.session_details, name="session_details"),
    path(
        "sessions/<id:session_id>/start-tree/",
        session.session_start_tree,
        name="session_start_tree",
    ),
    path("sessions/<id:session_id>/resolve/", session.session_resolve, name="session_resolve"),
    path("sessions/<id:session_id>/abandon/", session.session_abandon, name="session_abandon"),
    path(
        "sessions/<id:session_id>/export.md",
        session.session_export_markdown,
        name="session_export_markdown",
    ),
    path("sessions/<id:session_id>/print/", session.session_print, name="session_print"),
    path(
        "sessions/<id:session_id>/seen-before/",
        seen_before.seen_before_panel,
        name="seen_before",
    ),
    # Starting a session from a tree page: a sessions view under the tree's URL.
    path("trees/<id:tree_id>/start/", session.tree_start_session, name="tree_start_session"),
    path("sessions/<id:session_id>/chat/", chat.chat_message, name="chat_message"),
    path("sessions/<id:session_id>/chat/reply/", chat.chat_reply, name="chat_reply"),
]

"""What Baton accepts from people, shared by every domain and app: user text (no NUL, no
bidi controls, not only invisible characters; escaped when it lands in Markdown) and
the numbers that arrive in URLs (ids, page numbers). Imports nothing of Baton, so every
layer may use it."""

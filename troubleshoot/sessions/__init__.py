"""Troubleshooting sessions: sessions and their steps, walking a tree, the AI chat and
its providers (ai/: Anthropic and the offline default), the session write-up
(documentation), and the extension points other apps fill in (extensions). Imports
accounts, live and trees."""

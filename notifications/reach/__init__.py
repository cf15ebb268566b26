"""Reaching seniors who are not looking at the queue: availability, desktop alerts
and Web Push. Writes in services.py, reads in selectors.py, like the app itself."""

"""JSON bodies: DRF's parser, but a body nested thousands deep is a 400, not a 500
(json raises RecursionError there, which DRF's parser does not catch)."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("The JSON is nested too deeply.") from None

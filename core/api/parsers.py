"""The API's JSON parser, bounded: DRF's own reads the whole body (however long: DATA_UPLOAD_MAX_MEMORY_SIZE only
guards ``request.body``) and builds it whole. This one reads at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes and walks them
within the JSON limits (values: GOVCIO_API_MAX_JSON_VALUES; depth and text length as for files) before building."""

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.io import ImportFileError, jsonlimits
from core.uploads import too_large_body


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise too_large_body(limit)
        try:
            return jsonlimits.loads(data, jsonlimits.json_limits(values=settings.GOVCIO_API_MAX_JSON_VALUES))
        except ImportFileError as exc:
            raise ParseError(exc.message) from None

"""Page-numbered lists: `?page=2&page_size=100` (at most 200), with a count and links.

Every list view orders by fields that end in the primary key, so a page never shows
a row twice or skips one while nothing changes.
"""

from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

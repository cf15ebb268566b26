"""Reads about decision trees, always scoped to the user's account.

Search: PostgreSQL full-text search with ranking (title and tags weigh most, then
the description, then node text); on SQLite a plain substring match ordered by title.
"""

import re

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.http import Http404

from troubleshoot.accounts.roles import is_engineer_or_above
from troubleshoot.trees.models import Node, Option, Tree, TreeVersion, VersionState

LIBRARY_PAGE_SIZE = 20
SEARCH_MAX = 200
_STOPWORD_TEXT = (
    "the and for with not but from this that have has can cant can't won't wont will "
    "does doesn't isnt isn't are was were its it's into onto when what how why who all "
    "any our their they them you your get got getting user users client"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def _library_base(user):
    qs = Tree.objects.filter(account_id=user.account_id, archived_at__isnull=True)
    if is_engineer_or_above(user):
        # Editors also see trees that only exist as drafts so far.
        return qs.filter(Q(latest_published__isnull=False) | Q(author=user))
    return qs.filter(latest_published__isnull=False)


def _search(qs, query: str):
    query = query.strip()[:SEARCH_MAX]
    if not query:
        return qs.order_by("title", "id")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("tags", weight="A", config="english")
            + SearchVector("description", weight="B", config="english")
            + SearchVector("search_text", weight="C", config="english")
        )
        search = SearchQuery(query, search_type="websearch", config="english")
        return (
            qs.annotate(rank=SearchRank(vector, search))
            .filter(rank__gt=0)
            .order_by("-rank", "title", "id")
        )
    match = Q()
    for word in query.split():
        match &= (
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(tags__icontains=word)
            | Q(search_text__icontains=word)
        )
    return qs.filter(match).order_by("title", "id")


def library_page(user, *, query: str = "", category: str = "", page=1, per_page=LIBRARY_PAGE_SIZE):
    """(page of trees, [(category, count)]): three queries whatever the number of trees."""
    paginator = Paginator(library_trees(user, query=query, category=category), per_page)
    return paginator.get_page(page), library_categories(user)


def library_trees(user, *, query: str = "", category: str = ""):
    """The library's trees for this user, searched and filtered, in a stable order
    (ranked then title then id on PostgreSQL with a query; title then id otherwise)."""
    qs = _library_base(user).select_related("latest_published", "author")
    if category:
        qs = qs.filter(category=category)
    return _search(qs, query)


def library_categories(user) -> list[tuple[str, int]]:
    """[(category, number of trees)] of the user's library, by name: one query."""
    base = _library_base(user)
    return list(base.values_list("category").annotate(n=Count("id")).order_by("category"))


def get_tree_for_user(user, tree_id) -> Tree:
    """A tree of the user's account that the user may read, else 404."""
    tree = (
        _library_base(user).select_related("latest_published", "author").filter(pk=tree_id).first()
    )
    if tree is None:
        raise Http404("No such tree.")
    return tree


def get_editable_tree(user, tree_id) -> Tree:
    """For editors (the view checks the role): any live tree of the account."""
    tree = (
        Tree.objects.filter(account_id=user.account_id, archived_at__isnull=True, pk=tree_id)
        .select_related("latest_published", "author")
        .first()
    )
    if tree is None:
        raise Http404("No such tree.")
    return tree


def get_draft_node(tree: Tree, node_id) -> Node:
    """A node of this tree's draft, else 404 (published nodes never change)."""
    node = Node.objects.filter(
        pk=node_id, version__tree=tree, version__state=VersionState.DRAFT
    ).first()
    if node is None:
        raise Http404("No such node in this tree's draft.")
    return node


def get_draft_option(tree: Tree, option_id) -> Option:
    """An answer of a node of this tree's draft, else 404."""
    option = Option.objects.filter(
        pk=option_id, node__version__tree=tree, node__version__state=VersionState.DRAFT
    ).first()
    if option is None:
        raise Http404("No such option in this tree's draft.")
    return option


def _with_nodes(qs):
    options = Option.objects.select_related("target").order_by("position", "id")
    nodes = Node.objects.prefetch_related(Prefetch("options", queryset=options))
    return qs.select_related("tree", "start_node").prefetch_related(
        Prefetch("nodes", queryset=nodes)
    )


def version_with_nodes(version_id: int) -> TreeVersion:
    """A version with its nodes and options: three queries."""
    return _with_nodes(TreeVersion.objects.all()).get(pk=version_id)


def draft_with_nodes(tree: Tree) -> TreeVersion:
    draft, _ = TreeVersion.objects.get_or_create(
        tree=tree, number=0, defaults={"state": VersionState.DRAFT, "title": tree.title}
    )
    return version_with_nodes(draft.pk)


def published_versions(tree: Tree):
    return (
        tree.versions.filter(state=VersionState.PUBLISHED)
        .select_related("published_by")
        .annotate(session_count=Count("sessions"))
        .order_by("-number")
    )


def has_unpublished_changes(tree: Tree) -> bool:
    return tree.latest_published_id is None or tree.updated_at > tree.latest_published.published_at


def keywords(text: str, limit: int = 8) -> list[str]:
    words = re.findall(r"[a-zA-Z0-9][a-zA-Z0-9\-]{2,}", (text or "").lower())
    seen: list[str] = []
    for word in words:
        if word not in STOPWORDS and word not in seen:
            seen.append(word)
    return seen[:limit]


def suggest_trees(account_id: int, text: str, limit: int = 3) -> list[Tree]:
    """Published trees of the account that best match free text (any word counts)."""
    words = keywords(text)
    if not words:
        return []
    qs = Tree.objects.filter(
        account_id=account_id, archived_at__isnull=True, latest_published__isnull=False
    ).select_related("latest_published")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        search = SearchQuery(words[0], config="english")
        for word in words[1:]:
            search |= SearchQuery(word, config="english")
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("tags", weight="A", config="english")
            + SearchVector("search_text", weight="C", config="english")
        )
        return list(
            qs.annotate(rank=SearchRank(vector, search))
            .filter(rank__gt=0)
            .order_by("-rank", "title")[:limit]
        )
    match = Q()
    for word in words:
        match |= Q(title__icontains=word) | Q(tags__icontains=word) | Q(search_text__icontains=word)
    candidates = list(qs.filter(match)[:50])

    def score(tree: Tree) -> int:
        haystack_title = f"{tree.title} {tree.tags}".lower()
        body = tree.search_text.lower()
        return sum(3 * (w in haystack_title) + (w in body) for w in words)

    candidates.sort(key=lambda t: (-score(t), t.title))
    return candidates[:limit]

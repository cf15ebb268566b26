import io

from troubleshoot import demo
from troubleshoot.models import Account, Session, Tree


def test_demo_seeds_six_realistic_trees_per_account_and_is_idempotent(db):
    demo.seed(io.StringIO())
    northwind = Account.objects.get(slug="northwind")
    trees = Tree.objects.filter(account=northwind).select_related("latest_published")
    assert {t.title for t in trees} == {
        "Outlook not syncing",
        "VPN won't connect",
        "Printer offline",
        "Slow PC",
        "MFA lockout",
        "Network drive missing",
    }
    assert all(t.latest_published.nodes.count() >= 8 for t in trees)
    counts = (Tree.objects.count(), Session.objects.count())
    assert Session.objects.filter(user__email="jane@northwind.example").count() == 2
    demo.seed(io.StringIO())
    assert (Tree.objects.count(), Session.objects.count()) == counts

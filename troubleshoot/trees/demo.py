"""Demo decision trees: six MSP trees per account, from the JSON files in demo_data/.

Trees are created through the import service (so they pass the publishing rules); a
tree already there (by title) is skipped, so seeding twice changes nothing.
"""

import json
from pathlib import Path

from troubleshoot.accounts.models import Role, User
from troubleshoot.trees.models import Tree
from troubleshoot.trees.services import tree_import

# Exported trees (the same JSON teams share), one file per tree.
DEMO_TREE_DIR = Path(__file__).resolve().parent / "demo_data"


def seed_trees(account) -> int:
    author = User.objects.members_of(account.pk).filter(role=Role.ADMIN).first()
    created = 0
    for path in sorted(DEMO_TREE_DIR.glob("*.json")):
        raw = path.read_bytes()
        title = json.loads(raw)["tree"]["title"]
        if Tree.objects.filter(account=account, title=title).exists():
            continue
        tree_import(actor=author, raw=raw)
        created += 1
    return created

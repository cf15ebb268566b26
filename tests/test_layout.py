"""The code map's import rules (README, "Code map"), checked on the source.

Apps: handoffs -> notifications -> troubleshoot, never back. Inside troubleshoot each
domain imports only the domains below it; the app's root modules (models, admin, urls,
demo, apps, templatetags, management) wire the domains together and may import any.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

APP_MAY_IMPORT = {
    "troubleshoot": set(),
    "notifications": {"troubleshoot"},
    "handoffs": {"troubleshoot", "notifications"},
}
DOMAIN_MAY_IMPORT = {
    # input (user text, ids and page numbers from URLs) sits below every domain.
    "input": set(),
    "accounts": {"input"},
    "live": {"accounts", "input"},
    "trees": {"accounts", "live", "input"},
    "sessions": {"accounts", "live", "trees", "input"},
}


def imported_modules(path: Path) -> list[str]:
    """Every absolute module a file imports, function-level imports included."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from troubleshoot.sessions import ai` imports troubleshoot.sessions.ai
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def source_files(root: Path, package: str) -> list[Path]:
    return [p for p in (root / package).rglob("*.py") if "migrations" not in p.parts]


def violations_of_app_rules(root: Path = ROOT) -> list[str]:
    wrong = []
    for app, allowed in APP_MAY_IMPORT.items():
        others = set(APP_MAY_IMPORT) - allowed - {app}
        for path in source_files(root, app):
            for module in imported_modules(path):
                if module.split(".")[0] in others:
                    wrong.append(f"{path.relative_to(root)} imports {module}")
    return wrong


def domain_of(module: str) -> str | None:
    """'troubleshoot.trees.models' -> 'trees'; the app's root modules -> 'root'."""
    parts = module.split(".")
    if parts[0] != "troubleshoot" or len(parts) == 1:
        return None
    return parts[1] if parts[1] in DOMAIN_MAY_IMPORT else "root"


def violations_of_domain_rules(root: Path = ROOT) -> list[str]:
    wrong = []
    for domain, allowed in DOMAIN_MAY_IMPORT.items():
        for path in source_files(root, f"troubleshoot/{domain}"):
            for module in imported_modules(path):
                target = domain_of(module)
                if target not in (None, domain) and target not in allowed:
                    wrong.append(f"{path.relative_to(root)} imports {module}")
    return wrong


def test_apps_import_one_way():
    assert violations_of_app_rules() == []


def test_troubleshoot_domains_import_only_the_domains_below_them():
    assert violations_of_domain_rules() == []


@pytest.mark.parametrize(
    "folder, source",
    [
        ("troubleshoot/live", "from troubleshoot.sessions.selectors import get_session_for_user"),
        ("troubleshoot/accounts", "from troubleshoot.models import Session"),
        ("troubleshoot/input", "from troubleshoot.accounts.roles import is_member"),
        ("troubleshoot/trees", "from troubleshoot.sessions import ai"),
        ("troubleshoot", "import handoffs.models"),
        ("notifications/views", "from handoffs.selectors import queue_for_user"),
    ],
)
def test_the_check_reports_a_wrong_import(tmp_path, folder, source):
    """Guards the check itself: a file breaking a rule is named."""
    (tmp_path / folder).mkdir(parents=True)
    (tmp_path / folder / "wrong.py").write_text(source + "\n")
    wrong = violations_of_domain_rules(tmp_path) + violations_of_app_rules(tmp_path)
    assert wrong == [
        f"{folder}/wrong.py imports {imported_modules(tmp_path / folder / 'wrong.py')[0]}"
    ]

"""axe-core in the browser tests: inject it (from node_modules, installed from the npm
registry through package.json) and return the critical and serious violations.

Playwright's add_script_tag inlines the file, which the strict Content-Security-Policy
refuses; contexts that run axe are made with bypass_csp=True (the CSP itself has its
own test, tests/e2e/test_content_security_policy.py).
"""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")
# Rules axe rates moderate or minor that Baton holds to all the same.
ALSO_ENFORCED = ("heading-order", "empty-table-header")

RUN_AXE = """async ([blocking, also]) => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations
        .filter(v => blocking.includes(v.impact) || also.includes(v.id))
        .map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({
                target: n.target.join(' '),
                html: n.html.slice(0, 160),
                summary: (n.failureSummary || '').split('\\n').slice(1).join(' ').trim(),
            })),
        }));
}"""


def axe_context(browser, base_url: str, **extra):
    return browser.new_context(
        base_url=base_url, viewport={"width": 1280, "height": 860}, bypass_csp=True, **extra
    )


def blocking_violations(page) -> list[dict]:
    """Critical and serious axe findings (and ALSO_ENFORCED) on the page as it stands."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, [list(BLOCKING), list(ALSO_ENFORCED)])


def describe(found: dict[str, list[dict]]) -> str:
    """One readable block per page: rule, impact, what to fix, the offending nodes."""
    lines = []
    for where, violations in found.items():
        lines.append(f"\n== {where}")
        for v in violations:
            lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} nodes)")
            for node in v["nodes"][:6]:
                lines.append(f"      {node['target']}  {node['html']}")
                if node["summary"]:
                    lines.append(f"        -> {node['summary'][:300]}")
    return "\n".join(lines)

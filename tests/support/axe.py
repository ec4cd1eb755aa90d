"""axe-core in Playwright pages (tests only): the serious and critical accessibility violations.

axe-core comes from the npm registry into tests/accessibility/node_modules (``make axe``);
it is injected as a script tag, so the page's context needs ``bypass_csp=True`` (the service
allows no script but its own). axe reads open shadow roots too, such as the widget's.
"""

import json
from typing import Any, Optional

from playwright.sync_api import Page

from scripts.servers import ROOT

AXE = ROOT / "tests" / "accessibility" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
RUN = """async (context) => {
  const results = await axe.run(context || document, {resultTypes: ["violations"]});
  return results.violations;
}"""


def blocking_violations(page: Page, context: Optional[Any] = None) -> list[dict[str, Any]]:
    """axe's violations of impact serious or critical on ``page`` (or its part ``context``,
    an axe context such as ``{"include": [...]}``)."""
    assert AXE.exists(), f"{AXE} is missing: run `make axe` (npm ci in tests/accessibility)"
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(RUN, context)
    return [violation for violation in found if violation["impact"] in BLOCKING]


def explain(violations: list[dict[str, Any]]) -> str:
    """One paragraph per violation: rule, impact, help and link, and the elements' selectors."""
    paragraphs = []
    for violation in violations:
        targets = "\n".join(f"    {json.dumps(node['target'], ensure_ascii=False)}: "
                            f"{node.get('failureSummary', '').splitlines()[-1].strip()}"
                            for node in violation["nodes"])
        paragraphs.append(f"{violation['id']} ({violation['impact']}): {violation['help']} "
                          f"<{violation['helpUrl']}>\n{targets}")
    return "\n".join(paragraphs)


def assert_accessible(page: Page, where: str, context: Optional[Any] = None) -> None:
    """Fail with a readable list unless axe finds no serious or critical violation."""
    violations = blocking_violations(page, context)
    assert not violations, f"axe on {where}:\n{explain(violations)}"

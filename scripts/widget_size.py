"""The chat widget's size as browsers download it: JS and CSS, raw and gzipped (level 9).

Run: ``PYTHONPATH=. .venv/bin/python -m scripts.widget_size``. The budget (issue 17) is
30 KB gzipped for JS and CSS together; a test holds it.
"""

from __future__ import annotations

import gzip

from assistant.public.webchat import WEBCHAT_DIR, widget_script

BUDGET_BYTES = 30 * 1024


def widget_sizes() -> dict[str, tuple[int, int]]:
    """``{"widget.js": (raw, gzipped), "widget.css": (raw, gzipped)}`` in bytes."""
    files = {"widget.js": widget_script().encode(),
             "widget.css": (WEBCHAT_DIR / "widget.css").read_bytes()}
    return {name: (len(body), len(gzip.compress(body, 9))) for name, body in files.items()}


def main() -> None:
    """Print each file's sizes and the gzipped total against the budget."""
    sizes = widget_sizes()
    for name, (raw, packed) in sizes.items():
        print(f"{name:11} {raw / 1024:6.1f} KB raw  {packed / 1024:5.1f} KB gzipped")
    total = sum(packed for _, packed in sizes.values())
    print(f"total gzipped {total / 1024:.1f} KB of a {BUDGET_BYTES // 1024} KB budget")


if __name__ == "__main__":
    main()

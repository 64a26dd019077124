"""``tools/rule_sizes.py`` counts code, not documentation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "tools" / "rule_sizes.py"


def _tool():
    spec = importlib.util.spec_from_file_location("rule_sizes", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docstrings_comments_and_blank_lines_do_not_count(tmp_path, capsys):
    (tmp_path / "vpc999_sample.py").write_text('''"""VPC999 sample.

## Example
```hcl
resource "aws_vpc" "main" {}
```
"""

# a comment
RULE = (
    "VPC999",  # trailing comment: the line counts
)


def check(model):
    """Nothing, at length:
    two lines of docstring."""
    return [
        """a string that is code""",
    ]
''')
    (tmp_path / "_helper.py").write_text('"""A helper."""\nX = 1\n')
    tool = _tool()
    assert tool.code_lines(tmp_path / "vpc999_sample.py") == 7
    assert tool.sizes(tmp_path) == ({"vpc999_sample.py": 7}, {"_helper.py": 1})
    assert tool.main(["--summary", "--rules", str(tmp_path)]) == 0
    assert "median 7 code lines, longest 7 (vpc999_sample.py)" in capsys.readouterr().out

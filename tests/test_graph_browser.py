"""The HTML map in a real headless Chromium, looked at as a person would: it loads with no
console error, shows every VPC, endpoint and workload of the model, a finding clicked in the
panel highlights its component, the verdict filter hides flows, VPCs fold, search finds, and a
screenshot is taken.

Skips, saying why, where there is no Chromium (``.ci/run`` installs Debian's when it can).
Set ``VPCLINT_GRAPH_SCREENSHOTS=DIR`` to keep the screenshots (the README's picture is
``docs/graph-example.png``, taken this way).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from chromium import Browser, find_chromium
from fixture_cases import FIXTURES
from vpclint.config import Config
from vpclint.engine import scan
from vpclint.graph import graph_of_result, render

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_SUBSET = ("aws-samples__amazon-vpc-lattice-blueprints",
                 "aws-samples__aws-gateway-load-balancer-code-samples")
CHECKED_KINDS = ("vpc", "vpc_endpoint", "workload")


@pytest.fixture(scope="module")
def browser():
    executable, why = find_chromium()
    if executable is None:
        pytest.skip(why)
    with Browser(executable, width=1600, height=1000) as opened:
        yield opened


def page_for(paths: list[Path], out: Path, root: Path):
    result = scan([str(p) for p in paths], Config(), root=root, with_analysis=True)
    graph = graph_of_result(result)
    out.write_text(render(graph, "html"), encoding="utf-8")
    return graph


def screenshot(browser: Browser, tmp_path: Path, name: str) -> Path:
    keep = os.environ.get("VPCLINT_GRAPH_SCREENSHOTS")
    path = browser.screenshot((Path(keep) if keep else tmp_path) / name)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000
    return path


def shown_ids(browser: Browser) -> set[str]:
    return set(browser.evaluate(
        "[...document.querySelectorAll('#viewport [data-id]')].map(e => e.dataset.id)"))


def look_over(browser: Browser, graph, page: Path, tmp_path: Path, name: str) -> None:
    """What every page must do."""
    browser.open(page)
    assert browser.errors() == []
    title = browser.evaluate("document.title")
    assert title.startswith("vpclint graph:")
    browser.click("#expand-all")
    wanted = {n.id for n in graph.nodes if n.kind in CHECKED_KINDS}
    assert wanted and wanted <= shown_ids(browser)
    placed = [f for f in graph.findings if f.node is not None]
    if placed:
        finding = placed[len(placed) // 2]
        browser.click("#collapse-all")
        browser.click(f'#findings li[data-finding="{finding.id}"]')
        highlighted = browser.evaluate(
            "[...document.querySelectorAll('#viewport .highlight')].map(e => e.dataset.id)")
        assert finding.node in highlighted
        assert browser.evaluate(f"""document.querySelector('#findings li[data-finding="{finding.id}"]')
                                    .classList.contains('active')""")
        assert browser.evaluate("!document.getElementById('details').hidden")
        # the component is on the screen, not somewhere off it
        inside = browser.evaluate(f"""(() => {{
            const r = document.querySelector('#viewport [data-id="{_js(finding.node)}"]').getBoundingClientRect();
            const s = document.getElementById('canvas').getBoundingClientRect();
            return r.left >= s.left - 1 && r.right <= s.right + 1 && r.top >= s.top - 1 && r.bottom <= s.bottom + 1;
        }})()""")
        assert inside
    # the picture: a small network unfolded, a large one as it opens, the finding still lit
    browser.click("#expand-all" if len(graph.nodes) < 250 else "#fit")
    screenshot(browser, tmp_path, name)
    assert browser.errors() == []


def _js(text: str) -> str:
    return json.dumps(text)[1:-1].replace('"', '\\"')


def check_verdict_filter(browser: Browser, graph) -> None:
    verdict = max({f.verdict for f in graph.flows},
                  key=lambda v: sum(f.verdict == v for f in graph.flows))
    count = f"document.querySelectorAll('#viewport .flow-group[data-verdict=\"{verdict}\"]:not([display=\"none\"])').length"
    assert browser.evaluate(count) > 0
    browser.click(f'#verdict-filter input[data-verdict="{verdict}"]')
    assert browser.evaluate(count) == 0
    assert browser.evaluate("document.querySelectorAll('#viewport .flow-group:not([display=\"none\"])').length") \
        == browser.evaluate(f"document.querySelectorAll('#viewport .flow-group:not([data-verdict=\"{verdict}\"])').length")
    browser.click(f'#verdict-filter input[data-verdict="{verdict}"]')
    assert browser.evaluate(count) > 0


def test_examples_map(browser, tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(ROOT / "examples", repo / "examples")
    page = tmp_path / "examples.html"
    graph = page_for([repo / "examples"], page, repo)
    look_over(browser, graph, page, tmp_path, "graph-example.png")
    # a VPC folds into one card and unfolds again
    browser.click("#expand-all")
    vpc = next(n for n in graph.nodes if n.kind == "vpc")
    inside = {n.id for n in graph.nodes if n.parent == vpc.id}
    browser.click(f'#viewport [data-toggle="{_js(vpc.id)}"]')
    assert not inside & shown_ids(browser) and vpc.id in shown_ids(browser)
    browser.click(f'#viewport [data-toggle="{_js(vpc.id)}"]')
    assert inside <= shown_ids(browser)
    # search finds a component and brings it into view
    browser.evaluate("(() => { const s = document.getElementById('search');"
                     " s.value = 'OrdersEndpointService'; s.dispatchEvent(new Event('input'));"
                     " return 1; })()")
    browser.click("#search-results li[data-id]")
    selected = browser.evaluate("document.querySelector('#viewport .selected').dataset.id")
    assert selected.endswith("#OrdersEndpointService")


def test_flows_map(browser, tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    for case in ("lambda-sqs-secrets-nat", "ecs-fargate-ecr-broken-no-ecr-dkr"):
        shutil.copytree(FIXTURES / "scenarios" / case, repo / case)
    page = tmp_path / "flows.html"
    graph = page_for([repo], page, repo)
    look_over(browser, graph, page, tmp_path, "graph-flows.png")
    check_verdict_filter(browser, graph)
    # a broken flow is drawn broken: dashed, with a cross where it stops
    assert browser.evaluate("document.querySelectorAll('#viewport .flow-group[data-verdict=\"NO_PATH\"] .flow-end').length") > 0


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus (../shared/corpus) is absent")
def test_corpus_subset_map(browser, tmp_path):
    page = tmp_path / "corpus.html"
    graph = page_for([CORPUS / name for name in CORPUS_SUBSET], page, ROOT)
    assert len(graph.nodes) > 250  # large enough to open folded
    browser.open(page)
    folded = browser.evaluate("document.querySelectorAll('#viewport .card.vpc').length")
    assert folded == sum(1 for n in graph.nodes if n.kind == "vpc")
    look_over(browser, graph, page, tmp_path, "graph-corpus.png")
    check_verdict_filter(browser, graph)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus (../shared/corpus) is absent")
def test_whole_corpus_map_opens_folded(browser, tmp_path):
    page = tmp_path / "whole.html"
    graph = page_for([CORPUS], page, ROOT)
    browser.open(page)
    assert browser.errors() == []
    drawn = shown_ids(browser)
    assert len(drawn) < len(graph.nodes) / 3  # folded: a map, not a wall
    assert {n.id for n in graph.nodes if n.kind == "vpc"} <= drawn
    browser.click("#expand-all")
    assert {n.id for n in graph.nodes if n.kind in CHECKED_KINDS} <= shown_ids(browser)
    assert browser.errors() == []

"""The HTML map in a real headless Chromium, looked at as a person would: it loads with no
console error, shows every VPC, endpoint and workload of the model, a finding clicked in the
panel highlights its component, the verdict filter hides flows, VPCs fold, search finds, and a
screenshot is taken.

Skips, saying why, where there is no Chromium (``.ci/run`` installs Debian's when it can).
The Mermaid output is also parsed and drawn by Mermaid itself (the library GitHub and GitLab
draw diagrams with) where its bundle is at hand: ``VPCLINT_MERMAID_JS``, or the copy ``.ci/run``
fetches with npm into ``~/.cache/vpclint-tests``; the test skips, saying why, where it is not.
Set ``VPCLINT_GRAPH_SCREENSHOTS=DIR`` to keep the screenshots (the README's picture is
``docs/graph-example.png``, taken this way).
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from msgspec.structs import asdict

from chromium import Browser, find_chromium
from fixture_cases import FIXTURES
from test_graph import HOSTILE
from vpclint.config import Config
from vpclint.engine import scan
from vpclint.graph import graph_of_result, problem_flows, render
from vpclint.model.components import Vpc, VpcEndpoint
from vpclint.model.workloads import Workload
from vpclint.paths import relative_uri

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_SUBSET = ("aws-samples__amazon-vpc-lattice-blueprints",
                 "aws-samples__aws-gateway-load-balancer-code-samples")


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
    # the graph's fields, and the ids of the model's components it shows
    return SimpleNamespace(**asdict(graph), model_ids=model_ids(result, graph))


def model_ids(result, graph) -> set[str]:
    """The node of every VPC, endpoint and workload of the scanned model, found by where the
    component is defined (address, file, line), not by the graph's own choice of nodes: one
    node per component (a module that two root modules call is drawn once for each)."""
    where = Counter()
    for cls in (Vpc, VpcEndpoint, Workload):
        for component in result.built.model.of(cls):
            span = component.span()
            where[(component.resource.label or component.resource.address,
                   relative_uri(span.file, result.root), span.line)] += 1
    drawn = [n for n in graph.nodes if (n.address, n.file, n.line) in where]
    assert Counter((n.address, n.file, n.line) for n in drawn) == where
    return {n.id for n in drawn}


def stack_of(node_id: str) -> str:
    """The card of the template or root module a node comes from (its id up to ``#``)."""
    return "stack:" + node_id.split("#")[0] if "#" in node_id else ""


def stacks_of(graph) -> set[str]:
    return {stack_of(n.id) for n in graph.nodes if n.parent is None and "#" in n.id}


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
    assert graph.model_ids and graph.model_ids <= shown_ids(browser)
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
    browser.click("#expand-all")  # every flow drawn as a line
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
    # the CloudFormation template and the Terraform root module each a box, as drawn by hand
    stacks = browser.evaluate("[...document.querySelectorAll('#viewport .box.stack')]"
                              ".map(e => e.dataset.id)")
    assert sorted(stacks) == ["stack:examples/cloudformation/network.yaml",
                              "stack:examples/terraform"] == sorted(stacks_of(graph))
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
    # through the places its traffic passes, to the route table where it breaks
    drawn = browser.evaluate("[...document.querySelectorAll('#viewport .flow-group')]"
                             ".map(g => [g.dataset.flows, JSON.parse(g.dataset.hops)])")
    hops = {flow_id: path for flows, path in drawn for flow_id in flows.split(" ")}
    kinds = {n.id: n.kind for n in graph.nodes}
    for flow in graph.flows:
        if flow.id in hops:
            tables = [i for i in hops[flow.id] if kinds.get(i) == "route_table"]
            breaks_at = flow.path[-2] if flow.ends != "reached" else None
            assert tables == ([breaks_at] if kinds.get(breaks_at) == "route_table" else []), flow
    assert any(f.ends == "no_path" and kinds[f.path[-2]] == "route_table" and f.id in hops
               for f in graph.flows)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus (../shared/corpus) is absent")
def test_corpus_subset_map(browser, tmp_path):
    page = tmp_path / "corpus.html"
    graph = page_for([CORPUS / name for name in CORPUS_SUBSET], page, ROOT)
    assert len(graph.nodes) > 250  # large enough to open folded
    browser.open(page)
    # one folded card per template or root module, holding its VPCs and the rest
    assert set(browser.evaluate("[...document.querySelectorAll('#viewport .card.stack')]"
                                ".map(e => e.dataset.id)")) == stacks_of(graph)
    assert not browser.evaluate("document.querySelectorAll('#viewport .card.vpc').length")
    # folded, a stack's flows are a bar on its card, and lines only once it is selected
    assert browser.evaluate("document.querySelectorAll('#viewport .flow-group').length") == 0
    leaving = {}  # stack -> its flows that end outside it: lines once it is selected
    for flow in graph.flows:
        if stack_of(flow.path[-1]) != stack_of(flow.workload):
            leaving.setdefault(stack_of(flow.workload), []).append(flow.id)
    stack, flows = max(leaving.items(), key=lambda item: (len(item[1]), item[0]))
    card = f'#viewport [data-id="{_js(stack)}"]'
    bars = browser.evaluate(f"[...document.querySelectorAll('{card} .flow-bar rect')]"
                            ".map(r => r.dataset.verdict)")
    assert set(bars) == {f.verdict for f in graph.flows if stack_of(f.workload) == stack}
    browser.click(card + " > rect")
    drawn = browser.evaluate("[...document.querySelectorAll('#viewport .flow-group')]"
                             ".flatMap(g => g.dataset.flows.split(' '))")
    assert set(flows) <= set(drawn)
    # unfolded, a small stack opens whole: its VPCs with their subnets
    browser.click(f'#viewport [data-toggle="{_js(stack)}"]')
    vpcs = {n.id for n in graph.nodes if n.kind == "vpc" and stack_of(n.id) == stack}
    inside = {n.id for n in graph.nodes if n.parent in vpcs}
    assert vpcs and (vpcs | inside) <= shown_ids(browser)
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
    assert stacks_of(graph) <= drawn
    assert {n.id for n in graph.nodes if n.kind == "aws_service"} <= drawn
    browser.click("#expand-all")
    assert graph.model_ids <= shown_ids(browser)
    assert browser.errors() == []


def mermaid_bundle() -> tuple[Path | None, str]:
    """Mermaid's browser bundle (``dist/mermaid.min.js`` of the npm package), or why not."""
    explicit = os.environ.get("VPCLINT_MERMAID_JS")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = Path(explicit) if explicit else cache / "vpclint-tests" / "mermaid.min.js"
    if path.is_file():
        return path, ""
    return None, (f"no Mermaid bundle at {path} (.ci/run fetches it with `npm pack mermaid@11` "
                  "where npm is installed; or set VPCLINT_MERMAID_JS)")


def test_mermaid_itself_parses_and_draws_every_picture(browser, tmp_path):
    bundle, why = mermaid_bundle()
    if bundle is None:
        pytest.skip(why)
    page = tmp_path / "mermaid.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><script '
                    f'src="{bundle.resolve().as_uri()}"></script></body></html>', encoding="utf-8")
    browser.open(page)
    assert browser.evaluate("typeof mermaid") == "object", browser.errors()
    browser.evaluate("mermaid.initialize({startOnLoad: false, maxTextSize: 10000000, "
                     "maxEdges: 100000}); 1")
    hostile = tmp_path / "hostile"
    (hostile / ".git").mkdir(parents=True)
    (hostile / "main.tf").write_text(HOSTILE, encoding="utf-8")
    pictures = {}
    for name, paths, root in (("examples", [ROOT / "examples"], ROOT),
                              ("scenarios", [FIXTURES / "scenarios"], ROOT),
                              ("hostile names", [hostile], hostile)):
        graph = graph_of_result(scan([str(p) for p in paths], Config(), root=root))
        pictures[name] = render(graph, "mermaid")
        pictures[name + ", problems"] = render(problem_flows(graph), "mermaid")
    for name, text in pictures.items():
        parsed = browser.evaluate(f"mermaid.parse({json.dumps(text)}).then(() => 'ok')"
                                  ".catch(e => String(e.message || e))")
        assert parsed == "ok", (name, parsed[:2000])
    for name in ("examples", "scenarios, problems", "hostile names"):  # and drawn
        drawn = browser.evaluate(
            f"mermaid.render('d{len(name)}', {json.dumps(pictures[name])}).then(r => {{"
            " const box = document.createElement('div'); box.innerHTML = r.svg;"
            " return box.textContent; }).catch(e => 'failed: ' + String(e.message || e))")
        assert not drawn.startswith("failed") and len(drawn) > 1_000, (name, drawn[:500])
        assert "\ufb02\xb0" not in drawn  # every escaped character drawn as itself
    for name in ('odd["</script><script>alert(1)</script>"]', 'odd["<x>#35;&`|;"]',
                 'odd["a\\"b[c]{d}"]'):
        assert name in drawn  # the hostile names, drawn literally

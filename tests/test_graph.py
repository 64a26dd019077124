"""``vpclint graph``'s picture: what the model becomes (nodes, nesting, tiers, routes, flows,
findings), each format's structure and escaping, the JSON Schema, focus and the CI view of the
flows that have problems."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from fixture_cases import FIXTURES
from mermaid_grammar import MermaidError, check as check_mermaid
from vpclint.analyze import Verdict
from vpclint.config import Config
from vpclint.engine import scan
from vpclint.graph import (graph_of_result, narrow, problem_flows, problem_flows_mermaid,
                           render)
from vpclint.graph.focus import NoFocus, focus
from vpclint.graph.style import segments, stops
from vpclint.graph.verdicts import STYLES, style_of

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = FIXTURES / "scenarios"
SCHEMA = json.loads((ROOT / "vpclint/schemas/graph.schema.json").read_text())
FLAVOURS = ("terraform", "cloudformation")


def graph_for(*paths: Path, root: Path = ROOT, **config):
    result = scan([str(p) for p in paths], Config(**config), root=root, with_analysis=True)
    return graph_of_result(result), result


def by_label(graph, kind: str, label: str):
    found = [n for n in graph.nodes if n.kind == kind and n.label == label]
    assert len(found) == 1, (kind, label, [n.label for n in graph.nodes if n.kind == kind])
    return found[0]


NAMES = {  # the same network in both flavours: (terraform name, CloudFormation name)
    "vpc": ("main", "Vpc"), "private_a": ("private_a", "PrivateSubnetA"),
    "private_b": ("private_b", "PrivateSubnetB"), "public_a": ("public_a", "PublicSubnetA"),
    "nat_a": ("a", "NatGatewayA"), "rtb_private_a": ("private_a", "PrivateRouteTableA"),
    "rtb_public": ("public", "PublicRouteTable"), "igw": ("main", "InternetGateway"),
    "lambda": ("orders", "OrdersFunction"), "sqs_endpoint": ("sqs", "SqsEndpoint"),
    "secrets_endpoint": ("secretsmanager", "SecretsManagerEndpoint"),
}


def name(key: str, flavour: str) -> str:
    return NAMES[key][FLAVOURS.index(flavour)]


# --- the network -----------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_vpc_holds_its_azs_and_subnets_marked_by_their_default_route(flavour):
    graph, _ = graph_for(SCENARIOS / "lambda-sqs-secrets-nat" / flavour)
    index = graph.index()
    vpc = by_label(graph, "vpc", name("vpc", flavour))
    private_a = by_label(graph, "subnet", name("private_a", flavour))
    public_a = by_label(graph, "subnet", name("public_a", flavour))
    zone = index[private_a.parent]
    assert zone.kind == "az" and zone.parent == vpc.id
    assert public_a.parent == zone.id  # subnets of one AZ together
    assert index[by_label(graph, "subnet", name("private_b", flavour)).parent] != zone
    assert (private_a.attrs["tier"], public_a.attrs["tier"]) == ("private", "public")
    assert private_a.attrs["egress"] == f"nat {name('nat_a', flavour)}"
    assert public_a.attrs["egress"] == f"igw {name('igw', flavour)}"
    assert by_label(graph, "nat_gateway", name("nat_a", flavour)).parent == public_a.id
    assert by_label(graph, "internet_gateway", name("igw", flavour)).parent == vpc.id
    workload = by_label(graph, "workload", name("lambda", flavour))
    assert workload.parent == private_a.id  # in its first subnet, listing both
    assert len(workload.attrs["subnets"]) == 2
    assert vpc.attrs["cidrs"] == ["10.0.0.0/16"]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_route_tables_carry_their_routes_and_route_edges_lead_to_targets(flavour):
    graph, _ = graph_for(SCENARIOS / "lambda-sqs-secrets-nat" / flavour)
    table = by_label(graph, "route_table", name("rtb_public", flavour))
    assert table.attrs["routes"] == [f"0.0.0.0/0 → igw {name('igw', flavour)}"]
    igw = by_label(graph, "internet_gateway", name("igw", flavour))
    assert ("route", table.id, igw.id, "0.0.0.0/0") in {
        (e.kind, e.source, e.target, e.label) for e in graph.edges}


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_node_says_where_it_is_defined(flavour):
    case = SCENARIOS / "lambda-sqs-secrets-nat" / flavour
    graph, result = graph_for(case)
    for component in result.built.model:
        if component.kind in ("vpc", "subnet", "route_table", "nat_gateway", "vpc_endpoint",
                              "workload", "internet_gateway"):
            node = graph.index()[f"{_scope(case, flavour)}#{component.address}"]
            span = component.span()
            assert (node.file, node.line) == (Path(span.file).resolve().relative_to(
                ROOT).as_posix(), span.line)
            assert node.address == component.address
    # and says so in every format: the file's name and line on the card or box title in
    # Mermaid and DOT, the address and the whole path in DOT's tooltip
    mermaid, dot = render(graph, "mermaid"), render(graph, "dot")
    ids = {node.id: f"n{number}" for number, node in enumerate(graph.nodes, 1)}
    for node in graph.nodes:
        if node.file is None:
            continue
        short = f"{Path(node.file).name}:{node.line}"
        drawn = next(line for line in mermaid.splitlines()
                     if re.match(rf"\s*(subgraph )?{ids[node.id]}\W", line))
        assert short in drawn, drawn
        drawn = next(line for line in dot.splitlines()
                     if re.search(rf"(\b{ids[node.id]} \[|cluster_{ids[node.id]} )", line))
        if "subgraph" in drawn:
            drawn = dot.splitlines()[dot.splitlines().index(drawn) + 1]
        assert short in drawn and f"{node.address}\\n{node.file}:{node.line}" in drawn, drawn


def _scope(case: Path, flavour: str) -> str:
    scope = case if flavour == "terraform" else case / "template.yaml"
    return scope.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_transit_gateway_is_drawn_with_its_attachment_and_routes(flavour):
    graph, _ = graph_for(SCENARIOS / "hybrid-transit-gateway" / flavour)
    tgw = [n for n in graph.nodes if n.kind == "transit_gateway"]
    assert len(tgw) == 1 and tgw[0].file and tgw[0].line > 1
    vpc = next(n for n in graph.nodes if n.kind == "vpc")
    kinds = {(e.kind, e.source, e.target) for e in graph.edges}
    assert ("attachment", vpc.id, tgw[0].id) in kinds
    assert any(kind == "route" and target == tgw[0].id for kind, _, target in kinds)


PEERING = {
    "main.tf": """
resource "aws_vpc" "a" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_vpc" "b" {
  cidr_block = "10.1.0.0/16"
}
resource "aws_vpc_peering_connection" "ab" {
  vpc_id      = aws_vpc.a.id
  peer_vpc_id = aws_vpc.b.id
}
resource "aws_egress_only_internet_gateway" "v6" {
  vpc_id = aws_vpc.a.id
}
""",
    "stack.yaml": """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  A:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  B:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.0/16}
  AB:
    Type: AWS::EC2::VPCPeeringConnection
    Properties: {VpcId: !Ref A, PeerVpcId: !Ref B}
  V6:
    Type: AWS::EC2::EgressOnlyInternetGateway
    Properties: {VpcId: !Ref A}
""",
}


@pytest.mark.parametrize("file", sorted(PEERING))
def test_peering_joins_its_vpcs_and_egress_only_gateway_sits_in_its_vpc(tmp_path, file):
    (tmp_path / ".git").mkdir()
    (tmp_path / file).write_text(PEERING[file])
    graph, _ = graph_for(tmp_path, root=tmp_path)
    peering = next(n for n in graph.nodes if n.kind == "peering")
    vpcs = sorted(n.id for n in graph.nodes if n.kind == "vpc")
    assert sorted(e.target for e in graph.edges if e.kind == "peering"
                  and e.source == peering.id) == vpcs
    eigw = next(n for n in graph.nodes if n.kind == "egress_only_gateway")
    assert graph.index()[eigw.parent].label in ("a", "A")
    assert (peering.file, eigw.file) == (file, file)


def test_examples_draw_privatelink_and_lattice():
    graph, _ = graph_for(ROOT / "examples")
    edges = {(e.kind, graph.index()[e.source].label, graph.index()[e.target].label)
             for e in graph.edges}
    assert ("load_balancer", "OrdersEndpointService", "OrdersLoadBalancer") in edges
    assert ("load_balancer", "orders", "orders") in edges
    assert {("association", "shop", "main"), ("association", "shop", "inventory"),
            ("association", "ServiceNetwork", "Vpc"),
            ("association", "ServiceNetwork", "InventoryService")} <= edges
    assert ("forward", "inventory", "inventory") in edges
    assert ("endpoint_route_table", "PrivateRouteTableA", "S3Endpoint") in edges
    listener = by_label(graph, "listener", "InventoryListener")
    assert graph.index()[listener.parent].kind == "lattice_service"
    kinds = {n.kind for n in graph.nodes}
    assert {"vpc", "az", "subnet", "route_table", "internet_gateway", "nat_gateway",
            "vpc_endpoint", "endpoint_service", "load_balancer", "service_network",
            "lattice_service", "listener", "lattice_target_group"} <= kinds
    endpoints = {n.label: n.attrs["endpoint_type"] for n in graph.nodes if n.kind == "vpc_endpoint"}
    assert endpoints["s3"] == "Gateway" and endpoints["ssm"] == "Interface"


# --- flows -----------------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_flows_follow_the_hops_of_vpclint_flows(flavour):
    graph, result = graph_for(SCENARIOS / "lambda-sqs-secrets-nat" / flavour)
    label = {n.id: (n.kind, n.label) for n in graph.nodes}
    sqs = sorted((f for f in graph.flows if f.service == "sqs"), key=lambda f: f.path)
    assert [f.verdict for f in sqs] == ["NAT_DETOUR", "NAT_DETOUR"]
    assert [label[i] for i in sqs[0].path] == [
        ("workload", name("lambda", flavour)),
        ("route_table", name("rtb_private_a", flavour)),
        ("nat_gateway", name("nat_a", flavour)),
        ("route_table", name("rtb_public", flavour)),
        ("internet_gateway", name("igw", flavour)),
        ("aws_service", "sqs")]
    secrets = [f for f in graph.flows if f.service == "secretsmanager"]
    assert {f.verdict for f in secrets} == {"INTERFACE_ENDPOINT"}
    assert {label[f.path[-1]] for f in secrets} == {
        ("vpc_endpoint", name("secrets_endpoint", flavour))}
    analysed = result.analysis.flows
    assert sorted(t for f in graph.flows for t in f.path_text) == sorted(f.path for f in analysed)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_no_path_flow_ends_broken_at_the_service_with_its_finding(flavour):
    graph, _ = graph_for(SCENARIOS / "ecs-fargate-ecr-broken-no-ecr-dkr" / flavour)
    broken = [f for f in graph.flows if f.verdict == "NO_PATH"]
    assert broken and all(f.ends == "no_path" and f.path[-1] == f"aws:{f.service}"
                          for f in broken)
    assert any(graph.findings[int(i.removeprefix("finding")) - 1].rule == "VPC304"
               for f in broken for i in f.findings)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_static_formats_draw_the_places_traffic_passes_not_the_route_tables(flavour):
    """As on a whiteboard: workload -> NAT -> internet gateway -> service, the route tables
    beside with their routes; a path that stops is drawn to the table where it breaks."""
    graph, _ = graph_for(SCENARIOS / "lambda-sqs-secrets-nat" / flavour)
    label = {n.id: (n.kind, n.label) for n in graph.nodes}
    sqs = next(f for f in graph.flows if f.service == "sqs")
    assert [label[i] for i in stops(graph, sqs)] == [
        ("workload", name("lambda", flavour)), ("nat_gateway", name("nat_a", flavour)),
        ("internet_gateway", name("igw", flavour)), ("aws_service", "sqs")]
    arrows = {(label[s.source], label[s.target]) for s in segments(graph)}
    assert not any("route_table" in (a[0], b[0]) for a, b in arrows)
    mermaid = render(graph, "mermaid")
    ids = {node.id: f"n{number}" for number, node in enumerate(graph.nodes, 1)}
    nat, igw = (ids[i] for i in sqs.path if label[i][0] in ("nat_gateway", "internet_gateway"))
    assert f"  {nat} --> {igw}\n" in mermaid  # straight from the NAT to the internet gateway
    titles = [line for line in mermaid.splitlines() if line.strip().startswith("subgraph ")]
    assert titles and not any("<br/>" in line for line in titles)  # one line, over nothing
    assert any(f"subnet {name('private_a', flavour)} · 10.0.1.0/24 · private" in line
               for line in titles)
    broken, _ = graph_for(SCENARIOS / "ecs-fargate-ecr-broken-no-ecr-dkr" / flavour)
    kinds = {n.id: n.kind for n in broken.nodes}
    no_path = next(f for f in broken.flows if f.ends == "no_path")
    assert [kinds[i] for i in stops(broken, no_path)] == ["workload", "route_table", "aws_service"]


UNKNOWN_ROUTE = """
variable "rtb" {}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_route_table_association" "app" {
  subnet_id      = aws_subnet.app.id
  route_table_id = var.rtb
}

resource "aws_iam_role" "fn" {
  assume_role_policy = "{}"
  inline_policy {
    name   = "sqs"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }] })
  }
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = aws_iam_role.fn.arn
  handler       = "x"
  runtime       = "python3.12"
  vpc_config {
    subnet_ids         = [aws_subnet.app.id]
    security_group_ids = []
  }
}
"""


def test_unknown_flow_ends_uncertain_at_the_service(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text(UNKNOWN_ROUTE)
    graph, _ = graph_for(tmp_path, root=tmp_path)
    (flow,) = graph.flows
    assert (flow.verdict, flow.ends, flow.path) == (
        "UNKNOWN", "unknown", [".#aws_lambda_function.fn", "aws:sqs"])
    assert flow.reason == "route table outside the scan"
    assert flow.subnets == [".#aws_subnet.app"]


def test_every_verdict_has_a_style_and_a_new_one_falls_back_by_privacy():
    assert set(STYLES) == {v.name for v in Verdict}
    assert style_of("PRIVATE_VIA_SOMETHING_NEW", True).colour != style_of(
        "SOMETHING_NEW", False).colour
    graph, _ = graph_for(SCENARIOS / "lambda-sqs-secrets-nat" / "terraform")
    assert [v["name"] for v in graph.verdicts] == [v.name for v in Verdict]


# --- findings --------------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_findings_mark_their_components(flavour):
    graph, result = graph_for(SCENARIOS / "lambda-sqs-secrets-nat" / flavour)
    (finding,) = [f for f in graph.findings if f.rule == "VPC303"]
    endpoint = by_label(graph, "vpc_endpoint", name("sqs_endpoint", flavour))
    assert finding.node == endpoint.id and finding.id in endpoint.findings
    (source,) = [f for f in result.findings if f.rule.id == "VPC303"]
    assert (finding.file, finding.line, finding.level) == (
        Path(source.location.file).resolve().relative_to(ROOT).as_posix(),
        source.location.line, "warning")
    assert graph.rules["VPC303"]["slug"] == "interface-endpoint-private-dns-off"


def test_suppressed_and_baselined_findings_mark_nothing(tmp_path):
    case = tmp_path / "case"
    shutil.copytree(SCENARIOS / "lambda-sqs-secrets-nat" / "terraform", case)
    (tmp_path / ".git").mkdir()
    network = case / "network.tf"
    text = network.read_text()
    network.write_text(text.replace('resource "aws_vpc_endpoint" "sqs" {',
                                    '# vpclint:ignore VPC303 fronted by a zone elsewhere\n'
                                    'resource "aws_vpc_endpoint" "sqs" {'))
    graph, result = graph_for(case, root=tmp_path)
    assert any(f.suppressed_by for f in result.findings)
    assert not [f for f in graph.findings if f.rule == "VPC303"]
    assert not any(n.findings for n in graph.nodes)


# --- focus and the CI view -------------------------------------------------------------------


def test_focus_on_a_vpc_keeps_its_inside_and_neighbours_only():
    graph, _ = graph_for(SCENARIOS / "lambda-sqs-secrets-nat")
    narrowed = focus(graph, ["aws_vpc.main"])
    vpcs = [n for n in narrowed.nodes if n.kind == "vpc"]
    assert [v.label for v in vpcs] == ["main"]
    assert {n.kind for n in narrowed.nodes} >= {"subnet", "route_table", "workload",
                                                "aws_service"}
    assert len(narrowed.flows) == 4 and len(narrowed.findings) == 1
    kept = {n.id for n in narrowed.nodes}
    assert all(e.source in kept and e.target in kept for e in narrowed.edges)


def test_focus_on_a_workload_keeps_its_flows_and_their_hops():
    graph, _ = graph_for(SCENARIOS / "lambda-sqs-secrets-nat")
    narrowed = focus(graph, ["OrdersFunction"])
    assert {n.label for n in narrowed.nodes if n.kind == "workload"} == {"OrdersFunction"}
    assert {f.service for f in narrowed.flows} == {"sqs", "secretsmanager"}
    kept = {n.id for n in narrowed.nodes}
    assert all(set(f.path) <= kept for f in narrowed.flows)
    # the subnet it sits in is kept, with its AZ and VPC around it
    index = {n.id: n for n in narrowed.nodes}
    workload = next(n for n in narrowed.nodes if n.kind == "workload")
    assert index[index[index[workload.parent].parent].parent].kind == "vpc"


def test_focus_on_a_finding_by_rule_or_location():
    graph, _ = graph_for(SCENARIOS / "lambda-sqs-secrets-nat" / "terraform")
    (finding,) = graph.findings
    for wanted in ("VPC303", f"{finding.file}:{finding.line}"):
        narrowed = focus(graph, [wanted])
        assert finding.node in {n.id for n in narrowed.nodes}
        assert [f.id for f in narrowed.findings] == [finding.id]
    with pytest.raises(NoFocus):
        focus(graph, ["no-such-thing"])


def test_problem_flows_keep_only_flows_a_finding_is_about():
    graph, result = graph_for(SCENARIOS / "private-s3-broken-partial-route-tables" / "terraform")
    problems = problem_flows(graph)
    assert problems.flows and all(f.findings for f in problems.flows)
    assert len(problems.flows) < len(graph.flows)
    text = problem_flows_mermaid(result)
    check_mermaid(text)
    assert "VPC302" in text and "detour via NAT and internet gateway" in text
    clean, result = graph_for(SCENARIOS / "private-s3" / "terraform")
    assert problem_flows_mermaid(result) == ""
    assert narrow(clean, set(), set()).nodes == []


# --- formats ---------------------------------------------------------------------------------

HOSTILE = '''
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "odd" {
  for_each          = {
    "a\\"b[c]{d}" = "10.0.1.0/24"
    "<x>#35;&`|;" = "10.0.2.0/24"
    "</script><script>alert(1)</script>" = "10.0.3.0/24"
  }
  vpc_id            = aws_vpc.main.id
  cidr_block        = each.value
  availability_zone = "us-east-1a"
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.us-east-1.s3"
}
'''


@pytest.fixture
def hostile(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.tf").write_text(HOSTILE)
    graph, _ = graph_for(tmp_path, root=tmp_path)
    labels = {n.label for n in graph.nodes if n.kind == "subnet"}
    assert 'odd["a\\"b[c]{d}"]' in labels or any('"' in label for label in labels), labels
    return graph


def test_mermaid_escapes_quotes_brackets_and_markup(hostile):
    text = render(hostile, "mermaid")
    counts = check_mermaid(text)
    assert counts["nodes"] >= 5
    assert "#quot;" in text and "#lt;/script#gt;" in text and "#35;35;" in text
    assert "</script>" not in text


def test_mermaid_grammar_check_rejects_what_mermaid_would(hostile):
    text = render(hostile, "mermaid")
    unclosed = "\n".join(line for line in text.splitlines() if line.strip() != "end")
    for broken in (text.replace("#quot;", '"', 1), unclosed, text + "  linkStyle 999 x:y\n",
                   text + "  n999 --> n1\n", text + "  end\n"):
        with pytest.raises(MermaidError):
            check_mermaid(broken)


def test_mermaid_of_every_scenario_and_the_examples_parses():
    for case in (ROOT / "examples", SCENARIOS):
        graph, _ = graph_for(case)
        counts = check_mermaid(render(graph, "mermaid"))
        assert counts["nodes"] > len(graph.nodes) / 2


def test_dot_escapes_names_and_graphviz_reads_it(hostile):
    text = render(hostile, "dot")
    assert '\\"b[c]{d}' in text and "</script>" in text  # quoted: DOT needs only \\ and \"
    _graphviz(text)
    examples, _ = graph_for(ROOT / "examples")
    flows, _ = graph_for(SCENARIOS / "ecs-fargate-ecr-broken-no-ecr-dkr")
    notes = re.findall(r'note\d+ \[.*label="(.*)"\];', render(flows, "dot"))
    assert notes and all(len(line) <= 100 for note in notes for line in note.split("\\n")) \
        and any("\\n" in note for note in notes)  # a finding's note is wrapped
    for graph in (examples, flows):
        svg = _graphviz(render(graph, "dot"))
        assert svg.count("<g id=\"node") >= len([n for n in graph.nodes if n.kind not in (
            "vpc", "az", "subnet", "lattice_service")]) - 1


def _graphviz(text: str) -> str:
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("Graphviz 'dot' is not installed (apt-get install graphviz)")
    done = subprocess.run([dot, "-Tsvg"], input=text, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "Warning" not in done.stderr, done.stderr
    return done.stdout


def test_json_follows_its_schema_and_the_schema_is_strict():
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for case in (ROOT / "examples", SCENARIOS / "lambda-sqs-secrets-nat",
                 SCENARIOS / "ecs-fargate-ecr-broken-no-ecr-dkr",
                 SCENARIOS / "hybrid-transit-gateway"):
        graph, _ = graph_for(case)
        document = json.loads(render(graph, "json"))
        validator.validate(document)
        index = {n["id"] for n in document["nodes"]}
        assert all(e["source"] in index and e["target"] in index for e in document["edges"])
        assert all(set(f["path"]) <= index for f in document["flows"])
        assert all(n["parent"] is None or n["parent"] in index for n in document["nodes"])
    document["nodes"][0]["kind"] = "spaceship"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(document)


def test_html_is_one_offline_file_whose_data_cannot_end_its_script(hostile):
    page = render(hostile, "html")
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "default-src 'none'" in page  # the browser fetches nothing, even if asked
    for needle in ('src="http', "src='http", 'href="http', "url(http", "@import", "<link"):
        assert needle not in page
    start = page.index('id="vpclint-data">') + len('id="vpclint-data">')
    data = json.loads(page[start:page.index("</script>", start)])
    assert {n["label"] for n in data["nodes"]} == {n.label for n in hostile.nodes}


def test_every_rule_fixture_draws_in_every_format():
    """Odd models (unknown links, missing partners, parse errors) draw without failing, and
    their JSON still follows the schema."""
    graph, _ = graph_for(FIXTURES / "rules")
    assert len(graph.nodes) > 500 and graph.findings
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(render(graph, "json")))
    check_mermaid(render(graph, "mermaid"))
    assert render(graph, "dot").endswith("}\n")
    assert render(graph, "html").count("</script>") == 2

"""Resources that CloudFormation templates write through ``Fn::ForEach`` (the
``AWS::LanguageExtensions`` transform) and through Rain modules (``Type: !Rain::Module path``)
are evaluated as the transform and ``rain pkg`` would produce them, with the logical IDs the
deployed stack has; what cannot be known that way stays opaque, with a note.
"""

from __future__ import annotations

from pathlib import Path

from test_cfn_evaluate import doc, evaluate, unknown

from vpclint.values import DEPLOYMENT_REGION, Ref


def scope(tmp_path: Path, name: str) -> str:
    return str((tmp_path / name).resolve())


def by_address(evaluation) -> dict:
    return {r.address: r for r in evaluation.resources}


def notes(evaluation) -> str:
    return " | ".join(n.message for n in evaluation.notes)


# --- Fn::ForEach ------------------------------------------------------------------------------

LOOPS = """
Transform: AWS::LanguageExtensions
Parameters:
  Zones: {Type: CommaDelimitedList, Default: "a,b"}
Mappings:
  Cidrs:
    a: {Block: 10.0.1.0/24}
    b: {Block: 10.0.2.0/24}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
  Fn::ForEach::Zones:
    - Zone
    - !Ref Zones
    - Subnet${Zone}:
        Type: AWS::EC2::Subnet
        Properties:
          VpcId: !Ref Vpc
          CidrBlock: !FindInMap [Cidrs, !Ref Zone, Block]
          AvailabilityZone: !Sub ${AWS::Region}${Zone}
          Tags: [{Key: Name, Value: !Sub "subnet-${Zone}"}]
      Table${Zone}:
        Type: AWS::EC2::RouteTable
        Properties: {VpcId: !Ref Vpc}
      Association${Zone}:
        Type: AWS::EC2::SubnetRouteTableAssociation
        Properties:
          SubnetId: !Ref {Fn::Sub: "Subnet${Zone}"}
          RouteTableId: !GetAtt [!Sub "Table${Zone}", RouteTableId]
"""


def test_foreach_copies_its_fragment_once_per_item(tmp_path):
    evaluation = evaluate(tmp_path, {"t.yaml": LOOPS})
    found, here = by_address(evaluation), scope(tmp_path, "t.yaml")
    assert set(found) == {"Vpc", "Subneta", "Subnetb", "Tablea", "Tableb", "Associationa",
                          "Associationb"}
    assert found["Subnetb"].values == {
        "VpcId": Ref(here, "Vpc"), "CidrBlock": "10.0.2.0/24",
        "AvailabilityZone": DEPLOYMENT_REGION + "b", "Tags": [{"Key": "Name", "Value": "subnet-b"}]}
    assert found["Associationa"].values == {"SubnetId": Ref(here, "Subneta"),
                                            "RouteTableId": Ref(here, "Tablea", "RouteTableId")}
    assert here not in evaluation.opaque and not evaluation.notes


def test_foreach_copies_are_located_in_their_fragment(tmp_path):
    evaluation = evaluate(tmp_path, {"t.yaml": LOOPS})
    found = by_address(evaluation)
    assert found["Subneta"].locate().line == found["Subnetb"].locate().line == 14
    assert found["Subnetb"].locate(("CidrBlock",)).line == 18


def test_foreach_collection_takes_the_given_parameter_values(tmp_path):
    evaluation = evaluate(tmp_path, {"t.yaml": LOOPS}, cfn_params={"Zones": "b"})
    assert {"Subnetb", "Tableb"} <= set(by_address(evaluation))
    assert "Subneta" not in by_address(evaluation)


def test_foreach_with_an_unknown_collection_is_opaque_with_a_note(tmp_path):
    template = LOOPS.replace('Default: "a,b"', "Description: no default")
    evaluation = evaluate(tmp_path, {"t.yaml": template})
    assert set(by_address(evaluation)) == {"Vpc"}
    # the loop's resources may be partners of what it names, and of nothing else
    assert evaluation.opaque_inputs == {(scope(tmp_path, "t.yaml"), "Vpc")}
    assert not evaluation.opaque
    assert "Fn::ForEach::Zones is not expanded (parameter Zones has no default" in notes(evaluation)
    assert evaluation.notes[0].line == 11


def test_foreach_writing_more_than_a_template_holds_is_not_read(tmp_path):
    items = ", ".join(str(i) for i in range(40))
    template = doc(f"""
    Resources:
      Vpc:
        Type: AWS::EC2::VPC
      Fn::ForEach::Outer:
        - X
        - [{items}]
        - Fn::ForEach::Inner:
            - Y
            - [{items}]
            - Subnet${{X}}x${{Y}}:
                Type: AWS::EC2::Subnet
                Properties: {{VpcId: !Ref Vpc}}
    """)
    evaluation = evaluate(tmp_path, {"t.yaml": template})
    assert set(by_address(evaluation)) == {"Vpc"}
    assert "it would write more than 1000 entries" in notes(evaluation)
    assert evaluation.opaque_inputs == {(scope(tmp_path, "t.yaml"), "Vpc")}


def test_foreach_ampersand_keeps_only_alphanumerics_and_loops_nest(tmp_path):
    template = doc("""
    Transform: AWS::LanguageExtensions
    Mappings:
      Tiers:
        web: {Cidrs: [10.0.1.0/24, 10.0.2.0/24]}
        db: {Cidrs: [10.0.9.0/24]}
    Resources:
      Fn::ForEach::Tiers:
        - Tier
        - [web, db]
        - Fn::ForEach::Cidrs:
            - Cidr
            - !FindInMap [Tiers, !Ref Tier, Cidrs]
            - ${Tier}Subnet&{Cidr}:
                Type: AWS::EC2::Subnet
                Properties:
                  CidrBlock: !Ref Cidr
                  Tags: [{Key: tier, Value: !Ref Tier}]
    """)
    found = by_address(evaluate(tmp_path, {"t.yaml": template}))
    assert set(found) == {"webSubnet1001024", "webSubnet1002024", "dbSubnet1009024"}
    assert found["dbSubnet1009024"].values == {"CidrBlock": "10.0.9.0/24",
                                             "Tags": [{"Key": "tier", "Value": "db"}]}


def test_foreach_in_conditions_outputs_and_properties(tmp_path):
    network = doc("""
    Transform: AWS::LanguageExtensions
    Parameters:
      Env: {Type: String, Default: prod}
    Conditions:
      Fn::ForEach::Envs:
        - Name
        - [prod, test]
        - Is${Name}: !Equals [!Ref Env, !Ref Name]
    Resources:
      Fn::ForEach::Vpcs:
        - Name
        - [prod, test]
        - ${Name}Vpc:
            Type: AWS::EC2::VPC
            Condition: !Sub Is${Name}
            Properties:
              Fn::ForEach::Flags:
                - Flag
                - [EnableDnsSupport, EnableDnsHostnames]
                - ${Flag}: true
    Outputs:
      Fn::ForEach::Exports:
        - Name
        - [prod]
        - ${Name}VpcId:
            Value: !Ref {Fn::Sub: "${Name}Vpc"}
            Export: {Name: !Sub "${Name}-vpc"}
    """)
    app = doc("""
    Resources:
      Endpoint:
        Type: AWS::EC2::VPCEndpoint
        Properties: {VpcId: !ImportValue prod-vpc}
    """)
    evaluation = evaluate(tmp_path, {"network.yaml": network, "app.yaml": app})
    found = by_address(evaluation)
    assert "testVpc" not in found  # its condition is false
    assert found["prodVpc"].values == {"EnableDnsSupport": True, "EnableDnsHostnames": True}
    assert found["Endpoint"].values["VpcId"] == Ref(scope(tmp_path, "network.yaml"), "prodVpc")


def test_foreach_works_with_the_other_language_extensions(tmp_path):
    template = doc("""
    Transform: AWS::LanguageExtensions
    Parameters:
      Names: {Type: CommaDelimitedList, Default: "orders,billing"}
    Mappings:
      Ports:
        orders: {Port: 8443}
    Resources:
      Fn::ForEach::Groups:
        - Name
        - !Ref Names
        - ${Name}TargetGroup:
            Type: AWS::VpcLattice::TargetGroup
            Properties:
              Name: !Ref Name
              Config:
                Port: !FindInMap [Ports, !Ref Name, Port, {DefaultValue: 443}]
                Count: {Fn::Length: !Ref Names}
                Document: {Fn::ToJsonString: {name: !Ref Name}}
    """)
    found = by_address(evaluate(tmp_path, {"t.yaml": template}))
    assert found["ordersTargetGroup"].values["Config"] == {
        "Port": 8443, "Count": 2, "Document": '{"name":"orders"}'}
    assert found["billingTargetGroup"].values["Config"]["Port"] == 443


# --- Rain modules -----------------------------------------------------------------------------

NETWORK_MODULE = """
Parameters:
  Cidr: {Type: String}
  Zones: {Type: CommaDelimitedList, Default: "a,b"}
  Name: {Type: String, Default: ""}
  LogBucketName: {Type: String, Default: ""}
Conditions:
  Named: !Not [!Equals [!Ref Name, ""]]
Resources:
  VPC:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: !Ref Cidr
      Tags: [{Key: Name, Value: !If [Named, !Sub "${Name}-vpc", unnamed]}]
  PublicSubnet1:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VPC
      AvailabilityZone: !Select [0, !Ref Zones]
      MapPublicIpOnLaunch: false
  Logs:
    Type: AWS::S3::Bucket
    Metadata: {Rain: {IfParam: LogBucketName}}
    Properties: {BucketName: !Ref LogBucketName}
  Flow:
    Type: AWS::EC2::FlowLog
    Metadata: {Rain: {IfNotParam: LogBucketName}}
    Properties:
      ResourceId: !Ref VPC
      DeliverLogsPermissionArn: !GetAtt FlowRole.Arn
Outputs:
  VpcId:
    Value: !Ref VPC
  SubnetId:
    Value: !GetAtt PublicSubnet1.SubnetId
"""

INCLUDER = """
Resources:
  Network:
    Type: !Rain::Module modules/vpc.yaml
    Properties:
      Cidr: 10.0.0.0/16
      Zones: [us-east-1a, us-east-1b]
    Overrides:
      PublicSubnet1:
        Properties:
          MapPublicIpOnLaunch: true
          Tags: [{Key: tier, Value: public}]
  FlowRole:
    Type: AWS::IAM::Role
  Server:
    Type: AWS::EC2::Instance
    Properties:
      SubnetId: !GetAtt NetworkPublicSubnet1.SubnetId
      Vpc: !Ref NetworkVPC
      ByOutput: !GetAtt Network.VpcId
      ByOutputs: !GetAtt Network.Outputs.SubnetId
      BySub: !Sub "${Network.VpcId}"
      Missing: !GetAtt Network.Nothing
"""


def test_rain_module_resources_join_the_includer_under_prefixed_names(tmp_path):
    evaluation = evaluate(tmp_path, {"app.yaml": INCLUDER, "modules/vpc.yaml": NETWORK_MODULE})
    found, here = by_address(evaluation), scope(tmp_path, "app.yaml")
    # the module is evaluated where it is included, not on its own; IfNotParam keeps Flow
    assert set(found) == {"NetworkVPC", "NetworkPublicSubnet1", "NetworkFlow", "FlowRole",
                          "Server"}
    vpc, subnet = found["NetworkVPC"], found["NetworkPublicSubnet1"]
    assert vpc.scope == here and vpc.file == scope(tmp_path, "modules/vpc.yaml")
    assert vpc.locate().line == 9
    assert vpc.values == {"CidrBlock": "10.0.0.0/16", "Tags": [{"Key": "Name",
                                                                "Value": "unnamed"}]}
    assert subnet.values == {"VpcId": Ref(here, "NetworkVPC"), "AvailabilityZone": "us-east-1a",
                             "MapPublicIpOnLaunch": True, "Tags": [{"Key": "tier",
                                                                    "Value": "public"}]}
    # a name the module does not declare is the includer's
    assert found["NetworkFlow"].values["DeliverLogsPermissionArn"] == Ref(here, "FlowRole", "Arn")
    assert here not in evaluation.opaque


def test_the_includer_reads_module_resources_and_outputs(tmp_path):
    evaluation = evaluate(tmp_path, {"app.yaml": INCLUDER, "modules/vpc.yaml": NETWORK_MODULE})
    here = scope(tmp_path, "app.yaml")
    server = by_address(evaluation)["Server"].values
    assert server["SubnetId"] == Ref(here, "NetworkPublicSubnet1", "SubnetId")
    assert server["Vpc"] == server["ByOutput"] == server["BySub"] == Ref(here, "NetworkVPC")
    assert server["ByOutputs"] == Ref(here, "NetworkPublicSubnet1", "SubnetId")
    assert unknown(server["Missing"], "no output")


def test_rain_module_if_param_and_conditions(tmp_path):
    includer = doc("""
    Parameters:
      WithNetwork: {Type: String, Default: "no"}
    Conditions:
      Networked: !Equals [!Ref WithNetwork, "yes"]
    Resources:
      Network:
        Type: !Rain::Module modules/vpc.yaml
        Condition: Networked
        Properties: {Cidr: 10.0.0.0/16, Name: app}
      Logged:
        Type: !Rain::Module modules/vpc.yaml
        Properties: {Cidr: 10.1.0.0/16, LogBucketName: logs, Name: logged}
    """)
    evaluation = evaluate(tmp_path, {"app.yaml": includer, "modules/vpc.yaml": NETWORK_MODULE})
    found = by_address(evaluation)
    assert not any(address.startswith("Network") for address in found)
    assert {"LoggedLogs", "LoggedVPC"} <= set(found) and "LoggedFlow" not in found
    assert found["LoggedVPC"].values["Tags"] == [{"Key": "Name", "Value": "logged-vpc"}]


def test_rain_modules_nest_and_unset_parameters_are_unknown(tmp_path):
    outer = """
    Parameters:
      Cidr: {Type: String}
    Resources:
      Inner:
        Type: !Rain::Module inner.yaml
        Properties: {Block: !Ref Cidr}
    """
    inner = """
    Parameters:
      Block: {Type: String}
      Unset: {Type: String}
    Resources:
      Vpc:
        Type: AWS::EC2::VPC
        Properties: {CidrBlock: !Ref Block, Ipv4IpamPoolId: !Ref Unset}
    """
    includer = """
    Resources:
      Outer:
        Type: !Rain::Module modules/outer.yaml
        Properties: {Cidr: 10.9.0.0/16}
      Endpoint:
        Type: AWS::EC2::VPCEndpoint
        Properties: {VpcId: !Ref OuterInnerVpc}
    """
    evaluation = evaluate(tmp_path, {"app.yaml": includer, "modules/outer.yaml": outer,
                                     "modules/inner.yaml": inner})
    found, here = by_address(evaluation), scope(tmp_path, "app.yaml")
    assert found["OuterInnerVpc"].values["CidrBlock"] == "10.9.0.0/16"
    assert unknown(found["OuterInnerVpc"].values["Ipv4IpamPoolId"], "Inner sets none")
    assert found["Endpoint"].values["VpcId"] == Ref(here, "OuterInnerVpc")


def test_rain_module_that_cannot_be_read_is_opaque_with_a_note(tmp_path):
    includer = """
    Resources:
      Missing:
        Type: !Rain::Module modules/nowhere.yaml
      Remote:
        Type: !Rain::Module https://example.com/modules/vpc.yaml
      Self:
        Type: !Rain::Module app.yaml
    """
    evaluation = evaluate(tmp_path, {"app.yaml": includer})
    assert scope(tmp_path, "app.yaml") in evaluation.opaque
    text = notes(evaluation)
    assert "Rain module Missing has a module path that vpclint cannot read " \
        "(modules/nowhere.yaml)" in text
    assert "Rain module Remote is included from https://example.com/modules/vpc.yaml" in text
    assert "Rain module Self includes its own template (a cycle)" in text


def test_module_siblings_included_by_no_template_stay_opaque(tmp_path):
    unused = "Resources:\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n"
    evaluation = evaluate(tmp_path, {"app.yaml": INCLUDER, "modules/vpc.yaml": NETWORK_MODULE,
                                     "modules/lb.yaml": unused})
    assert scope(tmp_path, "modules/lb.yaml") in evaluation.opaque
    assert scope(tmp_path, "app.yaml") not in evaluation.opaque

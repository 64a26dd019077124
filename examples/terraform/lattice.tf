# The inventory service, shared with the VPC over VPC Lattice.

resource "aws_vpclattice_service_network" "shop" {
  name      = "shop"
  auth_type = "AWS_IAM"
}

resource "aws_security_group" "lattice" {
  name   = "lattice-clients"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "HTTPS from the VPC"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
}

resource "aws_vpclattice_service_network_vpc_association" "shop" {
  service_network_identifier = aws_vpclattice_service_network.shop.id
  vpc_identifier             = aws_vpc.main.id
  security_group_ids         = [aws_security_group.lattice.id]
}

resource "aws_vpclattice_service" "inventory" {
  name = "inventory"
}

resource "aws_vpclattice_service_network_service_association" "inventory" {
  service_network_identifier = aws_vpclattice_service_network.shop.id
  service_identifier         = aws_vpclattice_service.inventory.id
}

resource "aws_vpclattice_target_group" "inventory" {
  name = "inventory"
  type = "IP"

  config {
    vpc_identifier = aws_vpc.main.id
    protocol       = "HTTP"
    port           = 8080
  }
}

resource "aws_vpclattice_target_group_attachment" "inventory" {
  target_group_identifier = aws_vpclattice_target_group.inventory.id

  target {
    id   = "10.0.11.40"
    port = 8080
  }
}

resource "aws_vpclattice_listener" "inventory" {
  name               = "https"
  service_identifier = aws_vpclattice_service.inventory.id
  protocol           = "HTTPS"
  port               = 443

  default_action {
    forward {
      target_groups {
        target_group_identifier = aws_vpclattice_target_group.inventory.id
      }
    }
  }
}

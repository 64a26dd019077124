# The orders API, offered to one partner account over PrivateLink: an internal NLB in the
# private subnets and an endpoint service in front of it.

resource "aws_lb" "orders" {
  name               = "orders"
  load_balancer_type = "network"
  internal           = true
  subnets            = [aws_subnet.private_a.id, aws_subnet.private_b.id]
}

resource "aws_lb_target_group" "orders" {
  name        = "orders"
  vpc_id      = aws_vpc.main.id
  target_type = "ip"
  protocol    = "TCP"
  port        = 8443
}

resource "aws_lb_target_group_attachment" "orders" {
  target_group_arn = aws_lb_target_group.orders.arn
  target_id        = "10.0.10.25"
  port             = 8443
}

resource "aws_lb_listener" "orders" {
  load_balancer_arn = aws_lb.orders.arn
  protocol          = "TCP"
  port              = 443

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.orders.arn
  }
}

resource "aws_vpc_endpoint_service" "orders" {
  network_load_balancer_arns = [aws_lb.orders.arn]
  acceptance_required        = true
  allowed_principals         = ["arn:aws:iam::111122223333:root"]
}

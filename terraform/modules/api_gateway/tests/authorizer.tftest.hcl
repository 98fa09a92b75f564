# The api_gateway module's routes: public without an authorizer, each behind the JWT
# authorizer with its own scopes with one.
# Run with `terraform test` from this module's directory (cargo xtask test does).

mock_provider "aws" {}

variables {
  name                   = "books"
  producer_invoke_arn    = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:books-producer/invocations"
  producer_function_name = "books-producer"
}

run "leaves_every_route_public_without_an_authorizer" {
  command = plan

  assert {
    condition     = alltrue([for route in aws_apigatewayv2_route.producer : route.authorization_type == "NONE"])
    error_message = "Without jwt_authorizer (the workshop's chapters) every route is public."
  }

  assert {
    condition     = length(aws_apigatewayv2_authorizer.jwt) == 0 && output.jwt_authorizer == null
    error_message = "Without jwt_authorizer there is no authorizer, and the local runner is told so."
  }
}

run "puts_every_route_behind_the_authorizer_with_its_scopes" {
  command = plan

  variables {
    jwt_authorizer = {
      issuer   = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example"
      audience = ["client-1"]
    }
  }

  assert {
    condition     = alltrue([for route in aws_apigatewayv2_route.producer : route.authorization_type == "JWT"])
    error_message = "Every route, $default too, needs a token: a request without one invokes nothing."
  }

  assert {
    condition = (
      aws_apigatewayv2_route.producer["POST /books"].authorization_scopes == toset(["books/write"]) &&
      aws_apigatewayv2_route.producer["GET /books/{id}"].authorization_scopes == toset(["books/read"]) &&
      aws_apigatewayv2_route.producer["$default"].authorization_scopes == toset(["books/read", "books/write"])
    )
    error_message = "POST needs books/write, GET books/read, $default either."
  }

  assert {
    condition = (
      aws_apigatewayv2_authorizer.jwt[0].authorizer_type == "JWT" &&
      aws_apigatewayv2_authorizer.jwt[0].identity_sources == toset(["$request.header.Authorization"]) &&
      aws_apigatewayv2_authorizer.jwt[0].jwt_configuration[0].issuer == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example"
    )
    error_message = "The authorizer reads the Authorization header and trusts the issuer given."
  }
}

run "asks_for_a_valid_token_alone_on_a_route_without_scopes" {
  command = plan

  variables {
    jwt_authorizer = { issuer = "https://example.eu.auth0.com/", audience = ["books"] }
    route_scopes   = { "POST /books" = ["books:write"], "GET /books/{id}" = ["books:read"], "$default" = [] }
  }

  assert {
    condition     = aws_apigatewayv2_route.producer["$default"].authorization_scopes == null
    error_message = "An empty list of scopes asks for a valid token alone."
  }
}

run "refuses_scopes_for_routes_the_api_does_not_have" {
  command = plan

  variables {
    route_scopes = { "POST /books" = ["books/write"], "DELETE /books/{id}" = ["books/write"], "$default" = [] }
  }

  expect_failures = [var.route_scopes]
}

run "refuses_an_issuer_that_is_not_https" {
  command = plan

  variables {
    jwt_authorizer = { issuer = "http://issuer.example.com", audience = ["books"] }
  }

  expect_failures = [var.jwt_authorizer]
}

# Who may call the books API: an Amazon Cognito user pool that issues OAuth 2.0 access tokens
# to machine clients (the client credentials grant), with the API's scopes defined by a
# resource server. The API's JWT authorizer trusts this pool's issuer and accepts the
# tokens of these clients (Cognito's access tokens name the client in client_id, not aud).

resource "aws_cognito_user_pool" "books" {
  name                = var.name
  deletion_protection = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  tags                = var.tags

  # Tokens go to the clients below; nobody signs themselves up.
  admin_create_user_config {
    allow_admin_create_user_only = true
  }
}

# The hosted domain serves the token endpoint (<domain>.auth.<region>.amazoncognito.com).
resource "aws_cognito_user_pool_domain" "books" {
  domain       = var.domain_prefix
  user_pool_id = aws_cognito_user_pool.books.id
}

resource "aws_cognito_resource_server" "books" {
  user_pool_id = aws_cognito_user_pool.books.id
  identifier   = "books"
  name         = "${var.name} API"

  # A token's scope names them "<identifier>/<scope_name>": books/read, books/write.
  scope {
    scope_name        = "read"
    scope_description = "Read stored books (GET /books/{id})"
  }
  scope {
    scope_name        = "write"
    scope_description = "Submit books (POST /books)"
  }
}

resource "aws_cognito_user_pool_client" "clients" {
  for_each = var.clients

  name         = each.key
  user_pool_id = aws_cognito_user_pool.books.id

  generate_secret                      = true
  allowed_oauth_flows                  = ["client_credentials"]
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_scopes                 = [for scope in each.value : "${aws_cognito_resource_server.books.identifier}/${scope}"]
  supported_identity_providers         = ["COGNITO"]
  prevent_user_existence_errors        = "ENABLED"

  access_token_validity = var.access_token_validity_minutes
  token_validity_units {
    access_token = "minutes"
  }
}

output "issuer" {
  description = "The pool's issuer, for the API's JWT authorizer (https://cognito-idp.<region>.amazonaws.com/<pool id>)."
  value       = "https://${aws_cognito_user_pool.books.endpoint}"
}

output "client_ids" {
  description = "Id of each client, by name: the audience the API's JWT authorizer accepts."
  value       = { for name, client in aws_cognito_user_pool_client.clients : name => client.id }
}

output "client_secrets" {
  description = "Secret of each client, by name, for the client credentials grant."
  value       = { for name, client in aws_cognito_user_pool_client.clients : name => client.client_secret }
  sensitive   = true
}

output "token_url" {
  description = "The pool's OAuth 2.0 token endpoint."
  value       = "https://${aws_cognito_user_pool_domain.books.domain}.auth.${split(":", aws_cognito_user_pool.books.arn)[3]}.amazoncognito.com/oauth2/token"
}

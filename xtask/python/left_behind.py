"""Fails if a destroy left anything of ours in the emulator (boto3 comes with moto)."""

import boto3, sys
def names(service, call, key, field=None):
    items = getattr(boto3.client(service), call)().get(key, [])
    return [item[field] if field else item for item in items]
left = {
    "queues": [u for u in names("sqs", "list_queues", "QueueUrls") if "/books-" in u],
    "tables": [t for t in names("dynamodb", "list_tables", "TableNames") if t.startswith("books-")],
    "functions": names("lambda", "list_functions", "Functions", "FunctionName"),
    "roles": names("iam", "list_roles", "Roles", "RoleName"),
    "apis": names("apigatewayv2", "get_apis", "Items", "Name"),
    "alarms": names("cloudwatch", "describe_alarms", "MetricAlarms", "AlarmName"),
    "log groups": names("logs", "describe_log_groups", "logGroups", "logGroupName"),
    "dashboards": names("cloudwatch", "list_dashboards", "DashboardEntries", "DashboardName"),
    "buckets": names("s3", "list_buckets", "Buckets", "Name"),
    "OIDC providers": names("iam", "list_open_id_connect_providers", "OpenIDConnectProviderList", "Arn"),
}
left = {kind: found for kind, found in left.items() if found}
if left:
    sys.exit(f"destroy left resources behind: {left}")
print("    nothing left behind")

"""Every answer of the producer's snapshot table is one final/openapi.yaml describes.

For each request of `final/tests/snapshots/snapshots__http_answers.snap`: the document must have
its route and method (or say the route answers 405 for another method), the status among that
operation's responses, every required response header present, and the body valid against the
response's schema. A snapshot the document does not cover fails here, so the document cannot
fall behind the code.

Usage: python openapi_answers.py OPENAPI SNAPSHOT
"""

import json
import re
import sys

import jsonschema
import referencing
import yaml
from referencing.jsonschema import DRAFT202012

# insta redacts the random ids; any UUID stands for them.
REDACTED_ID = "00000000-0000-4000-8000-000000000000"


def resolve(document, node):
    """`node`, or what its `$ref` (within the document) names."""
    while isinstance(node, dict) and "$ref" in node:
        path = node["$ref"].removeprefix("#/").split("/")
        node = document
        for part in path:
            node = node[part]
    return node


def operation_of(document, method, path):
    """(template, operation or None) of the documented route `path` matches, or (None, None)."""
    path = "/" + "/".join(part for part in path.split("/") if part)
    for template, item in document["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return template, item.get(method.lower())
    return None, None


def main(openapi_path, snapshot_path):
    document = yaml.safe_load(open(openapi_path))
    text = open(snapshot_path).read()
    table = json.loads(text[text.index("---", 3) + 3 :])
    registry = referencing.Registry().with_resource("urn:openapi", DRAFT202012.create_resource(document))
    problems = []
    for row in table:
        request, answer = row["request"], row["response"]
        method, path, status = request["method"], request["path"], str(answer["status"])
        label = f"{method} {path[:60]} -> {status}"
        template, operation = operation_of(document, method, path)
        if template is None:
            if status != "404":
                problems.append(f"{label}: no documented route, and not a 404")
            continue
        if operation is None:
            if status != "405":
                problems.append(f"{label}: {method} is not documented on {template}, and not a 405")
            continue
        response = resolve(document, operation["responses"].get(status))
        if response is None:
            problems.append(f"{label}: {status} is not among the documented responses of {template}")
            continue
        headers = {name.lower() for name in answer["headers"]}
        for name, header in response.get("headers", {}).items():
            if resolve(document, header).get("required") and name.lower() not in headers:
                problems.append(f"{label}: the documented header {name} is missing")
        schema_ref = response["content"]["application/json"]["schema"]["$ref"]
        schema = {"$ref": "urn:openapi" + schema_ref}
        body = json.loads(json.dumps(answer["body"]).replace("[random id]", REDACTED_ID))
        validator = jsonschema.Draft202012Validator(
            schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        for error in validator.iter_errors(body):
            problems.append(f"{label}: the body {json.dumps(body)[:120]} breaks {schema_ref}: {error.message}")
    if problems:
        sys.exit("final/openapi.yaml does not describe these answers:\n  " + "\n  ".join(problems))
    print(f"    {len(table)} answers of the snapshot table are as final/openapi.yaml describes them")


if __name__ == "__main__":
    main(*sys.argv[1:])

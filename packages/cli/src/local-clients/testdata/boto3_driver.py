"""Runs AWS calls with boto3 for the local-clients scenarios: one JSON request a line on stdin
({"service", "operation", "input"}), one JSON answer a line on stdout ({"ok": output} or
{"error": code, "message": text}). The first line out names the versions and SQS's protocol."""
import datetime
import json
import sys

import boto3
import botocore
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
session = boto3.session.Session(
    aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
)
clients = {}


def client(service):
    if service not in clients:
        clients[service] = session.client(
            service, endpoint_url=endpoint, config=Config(retries={"max_attempts": 1})
        )
    return clients[service]


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8")
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if hasattr(value, "read"):
        return value.read().decode("utf-8")
    return value


print(
    json.dumps(
        {
            "boto3": boto3.__version__,
            "botocore": botocore.__version__,
            "sqsProtocol": client("sqs").meta.service_model.protocol,
        }
    ),
    flush=True,
)
for line in sys.stdin:
    step = json.loads(line)
    try:
        method = getattr(client(step["service"]), xform_name(step["operation"]))
        answer = {"ok": plain(method(**step["input"]))}
    except ClientError as err:
        answer = {"error": err.response["Error"]["Code"], "message": err.response["Error"].get("Message", "")}
    print(json.dumps(answer), flush=True)

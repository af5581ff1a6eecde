#!/bin/sh
# Installs the stack's pinned npm dependencies (package-lock.json) once.
set -eu
cd "$(dirname "$0")"
[ -d node_modules/dynalite ] && [ -d node_modules/fauxqs ] && [ -d node_modules/aws-sdk/apis ] \
	&& [ -d node_modules/@cloud-copilot/iam-simulate ] && exit 0
npm ci --no-audit --no-fund --loglevel=error

#!/usr/bin/env bash
# A self-signed certificate for deploy/compose.yaml's two public names
# (scopewise.localhost, emulator.localhost), valid 30 days: deploy/tls/.
# The instances trust it through SSL_CERT_FILE; browsers warn once per
# origin unless you trust it. Not for a public deployment: there the cloud's
# front end holds the certificate (docs/deploy.md).
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tls
mkdir -p "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj /CN=scopewise.localhost \
	-addext "subjectAltName=DNS:scopewise.localhost,DNS:emulator.localhost" \
	-keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 644 "$dir/key.pem" # read by nginx in its container, which runs as another user
echo "wrote $dir/cert.pem and key.pem"

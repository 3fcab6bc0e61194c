#!/bin/sh
# make_test_certs.sh OUTDIR
#
# Creates throw-away TLS material for tests against the emulator (OpenSSL CLI,
# EC P-256 keys, so it takes well under a second):
#   ca.pem, ca.key            a test CA
#   server.pem, server.key    localhost, 127.0.0.1 and ::1, signed by the CA
#   wrong-host.pem/.key       wrong.example only, signed by the CA
#   expired.pem/.key          localhost/127.0.0.1/::1, valid only 2020-01-01..02
# Idempotent: when every file is already there and the CA and server
# certificates stay valid for another day, nothing is regenerated.
set -eu

if [ "$#" -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
out=$1
mkdir -p "$out"

complete=yes
for f in ca.pem ca.key server.pem server.key wrong-host.pem wrong-host.key \
         expired.pem expired.key; do
    [ -s "$out/$f" ] || complete=no
done
if [ "$complete" = yes ] &&
   openssl x509 -in "$out/ca.pem" -noout -checkend 86400 >/dev/null 2>&1 &&
   openssl x509 -in "$out/server.pem" -noout -checkend 86400 >/dev/null 2>&1; then
    exit 0
fi

work=$(cd "$(mktemp -d "$out/.certs.XXXXXX")" && pwd)
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"

newkey() {  # newkey NAME CN -> NAME.key, NAME.csr
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout ca.key -out ca.pem -days 3650 -subj "/CN=verifysdk test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

mkdir db
: > db/index.txt
echo 1000 > db/serial
cat > ca.cnf <<'EOF'
[ca]
default_ca = testca
[testca]
database = db/index.txt
new_certs_dir = db
serial = db/serial
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied
[local]
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
[wrong]
subjectAltName = DNS:wrong.example
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
EOF

sign() {  # sign NAME EXTENSIONS DATES...
    name=$1 ext=$2
    shift 2
    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -notext \
        -in "$name.csr" -out "$name.pem" -extensions "$ext" "$@" 2>/dev/null
}

newkey server localhost
sign server local -days 825
newkey wrong-host wrong.example
sign wrong-host wrong -days 825
newkey expired localhost
sign expired local -startdate 20200101000000Z -enddate 20200102000000Z

chmod 600 ./*.key
for f in ca.key server.key wrong-host.key expired.key \
         ca.pem server.pem wrong-host.pem expired.pem; do
    mv -f "$f" "../$f"
done

#!/bin/sh
# localize_static.sh ARCHIVE OUTPUT WORKDIR — makes libfoster.a from the
# archive of every layer's objects, exporting only foster.h's API: one partial
# link (ld -r) rooted at the foster_* symbols pulls in the members they need,
# as a link against the archive would (so an engine nothing reaches, and its
# client library, stay out), and resolves the references between them; then
# objcopy --localize-hidden turns every hidden symbol (all but FOSTER_API,
# since each layer is built with -fvisibility=hidden) into a local one.
set -eu
archive=$1 output=$2 work=$3
mkdir -p "$work"
roots=$(${NM:-nm} --defined-only "$archive" 2>/dev/null |
    awk '$2 ~ /^[A-Z]$/ && $3 ~ /^foster_/ { printf "-u %s ", $3 }')
[ -n "$roots" ] || { echo "localize_static.sh: no foster_ symbol in $archive" >&2; exit 1; }
# shellcheck disable=SC2086 # one -u option per word
${LD:-ld} -r $roots -o "$work/foster.o" "$archive"
${OBJCOPY:-objcopy} --localize-hidden "$work/foster.o"
rm -f "$output"
${AR:-ar} rcs "$output" "$work/foster.o"

#!/bin/sh
# localize_static.sh ARCHIVE OUTPUT WORKDIR — makes libfoster.a from the
# archive of every layer's objects, exporting only foster.h's API: one partial
# link (ld -r) resolves the references between foster's own objects, then
# objcopy --localize-hidden turns every hidden symbol (all but FOSTER_API,
# since each layer is built with -fvisibility=hidden) into a local one.
set -eu
archive=$1 output=$2 work=$3
mkdir -p "$work"
${LD:-ld} -r -o "$work/foster.o" --whole-archive "$archive" --no-whole-archive
${OBJCOPY:-objcopy} --localize-hidden "$work/foster.o"
rm -f "$output"
${AR:-ar} rcs "$output" "$work/foster.o"

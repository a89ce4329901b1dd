#!/bin/sh
# backports_django.sh DIR — Django 4.2 from bookworm-backports, unpacked into
# DIR (not installed: Debian 12's Django 3.2 stays the system's). Prints the
# folder to put on PYTHONPATH. Downloads only when DIR has no Django yet.
# Exits 77 with the reason on stderr when it cannot be had (no backports in
# the apt sources: `sh .ci/install-deps` adds them; or no network).
set -u
dir=$1
site=$dir/usr/lib/python3/dist-packages
if [ ! -f "$site/django/__init__.py" ]; then
    mkdir -p "$dir/download" || exit 77
    if ! (cd "$dir/download" && apt-get download -q -t bookworm-backports python3-django) >"$dir/download.log" 2>&1; then
        echo "cannot download python3-django from bookworm-backports (apt sources without bookworm-backports? run sh .ci/install-deps): $(tail -n1 "$dir/download.log")" >&2
        exit 77
    fi
    for deb in "$dir"/download/python3-django_*.deb; do
        dpkg-deb -x "$deb" "$dir" || exit 77
    done
fi
echo "$site"

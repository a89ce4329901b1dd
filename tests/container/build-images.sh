#!/usr/bin/env bash
# tests/container/build-images.sh — builds the images the real-engine container
# tests use, without any registry, from the machine's own Debian package
# sources, and makes podman able to run them on this machine:
#
#   local/postgres:15     Debian's postgresql-15, entrypoint honouring
#                         POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB
#   local/mariadb:10.11   Debian's mariadb-server, entrypoint honouring
#                         MARIADB_ROOT_PASSWORD, MARIADB_USER, MARIADB_PASSWORD,
#                         MARIADB_DATABASE (and their MYSQL_* names)
#
#   usage: build-images.sh [--force]
#
# Each image is built with mmdebstrap (minbase, no documentation) from the
# deb entries of /etc/apt/sources.list and /etc/apt/sources.list.d/*.list and
# *.sources whose suite is this release's (CODENAME, CODENAME-updates,
# CODENAME-security), then `podman import`ed with an ENTRYPOINT, a CMD and the
# label foster.build=<sha256 of this script>. An image whose label matches is
# kept: the build runs once per machine and again only when this script
# changes (--force rebuilds anyway). Both images are built in parallel
# (JIT, documentation and translations left out: about 550 MB of storage
# together).
#
# podman: when a trial container cannot start, this script writes
# /etc/containers/containers.conf.d/50-foster.conf with only the settings the
# failure calls for — runtime "runc" (crun: "cgroups in hybrid mode not
# supported") and default_ulimits within this machine's hard limits
# (podman's defaults: "setrlimit RLIMIT_NOFILE: Operation not permitted") —
# says so on stderr, and tries again. No other file is touched.
#
# Needs root (rootful podman), podman, runc, mmdebstrap. Exit status: 0 when
# both images are there and a container starts; 77 when this machine cannot
# (not root, a tool missing, podman unable to start a container even so: the
# reason on stderr); 1 when a build failed.
# Builds are serialised between concurrent callers by a lock.
# shellcheck disable=SC2016 # the hooks are for mmdebstrap to expand ("$1": the chroot)
# shellcheck disable=SC1091 # /etc/os-release is the machine's
set -u -o pipefail

SCRIPT=$(readlink -f "${BASH_SOURCE[0]}")
PG_IMAGE=local/postgres:15
MARIADB_IMAGE=local/mariadb:10.11
DROP_IN_DIR=/etc/containers/containers.conf.d
DROP_IN=$DROP_IN_DIR/50-foster.conf
LOCK=/var/tmp/foster-build-images.lock

say() { printf 'build-images: %s\n' "$*" >&2; }
cannot() { # REASON: this machine cannot build or run the images
    say "$*"
    exit 77
}

force=0
[ "${1:-}" = --force ] && force=1

[ "$(id -u)" -eq 0 ] || cannot "needs root (rootful podman); run as root"
for tool in podman mmdebstrap; do
    command -v "$tool" >/dev/null || cannot "$tool is not installed (apt-get install -y podman runc mmdebstrap)"
done
BUILD_HASH=$(sha256sum "$SCRIPT" | cut -c1-16)

# ---- the apt sources of this machine ----

release_codename() {
    local codename=
    [ -r /etc/os-release ] && codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || codename=$(sed -n 's/^\([a-z]*\)\/.*/\1/p' /etc/debian_version 2>/dev/null)
    printf '%s' "$codename"
}

# One-line "deb ..." entries of a .list file, options dropped: "URI SUITE COMPONENT...".
list_entries() { # FILE
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$1" | awk '$1 == "deb" && NF >= 4 { $1 = ""; sub(/^ /, ""); print }'
}

# The deb entries of a deb822 .sources file, one line per URI and suite.
sources_entries() { # FILE
    awk '
        function flush(   i, j, nu, ns, u, s) {
            if (types ~ /(^| )deb( |$)/ && enabled != "no" && uris != "" && suites != "") {
                nu = split(uris, u, " "); ns = split(suites, s, " ")
                for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i], s[j], components
            }
            types = uris = suites = components = ""; enabled = "yes"; field = ""
        }
        BEGIN { enabled = "yes" }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        /^[ \t]/ { if (field != "") value[field] = value[field] " " $0; next }
        {
            field = tolower($0); sub(/:.*/, "", field)
            v = $0; sub(/^[^:]*:[ \t]*/, "", v)
            if (field == "types") types = v
            else if (field == "uris") uris = v
            else if (field == "suites") suites = v
            else if (field == "components") components = v
            else if (field == "enabled") enabled = tolower(v)
        }
        END { flush() }' "$1" | tr -s ' \t' ' '
}

# "deb URI SUITE COMPONENTS" lines for mmdebstrap: this release's suites only.
mirror_lines() { # CODENAME
    local file
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$file" ] && list_entries "$file"
    done
    for file in /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] && sources_entries "$file"
    done | cat
} 2>/dev/null

select_mirrors() { # CODENAME < entries
    awk -v c="$1" '$2 == c || $2 == c "-updates" || $2 == c "-security" { print "deb " $0 }' | sort -u
}

# ---- the entrypoints ----

pg_entrypoint() {
    cat <<'EOF'
#!/bin/sh
# local/postgres:15's entrypoint, after the official image's: on an empty
# PGDATA it runs initdb with POSTGRES_USER (postgres) and POSTGRES_PASSWORD
# (read from a file, never on a command line), scram-sha-256 over TCP and
# trust on the socket, creates POSTGRES_DB (POSTGRES_USER) through a
# temporary socket-only server, then runs postgres listening on all addresses.
set -eu
trap 'exit 143' TERM INT # as PID 1 the shell would ignore them: `stop` would wait 10 s
bindir=/usr/lib/postgresql/15/bin
export PATH="$bindir:$PATH"
PGDATA=${PGDATA:-/var/lib/postgresql/data}
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
case "${1:-postgres}" in -*) set -- postgres "$@" ;; esac
[ $# -gt 0 ] || set -- postgres
if [ "$1" != postgres ]; then exec "$@"; fi
shift
user=${POSTGRES_USER:-postgres}
database=${POSTGRES_DB:-$user}
mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        echo "Error: Database is uninitialized and superuser password is not specified." >&2
        echo "       You must specify POSTGRES_PASSWORD to a non-empty value for the superuser." >&2
        exit 1
    fi
    pwfile=$(mktemp)
    chown postgres "$pwfile"
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    as_postgres initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" -E UTF8 \
        --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    as_postgres pg_ctl -D "$PGDATA" -w -o "-c listen_addresses=''" start >/dev/null
    if [ "$database" != postgres ]; then
        printf 'CREATE DATABASE :"db";\n' |
            as_postgres psql -X -q -v ON_ERROR_STOP=1 -v db="$database" -U "$user" -d postgres
    fi
    as_postgres pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    echo "PostgreSQL init process complete; ready for start up."
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups -- \
    postgres -D "$PGDATA" -c listen_addresses='*' "$@"
EOF
}

mariadb_entrypoint() {
    cat <<'EOF'
#!/bin/sh
# local/mariadb:10.11's entrypoint, after the official image's: on an empty
# datadir it installs the system tables, then through a temporary server
# without networking sets root's password (MARIADB_ROOT_PASSWORD, for
# root@localhost and root@'%'), creates MARIADB_DATABASE and MARIADB_USER with
# MARIADB_PASSWORD (all privileges on that database); the MYSQL_* names work
# too. Passwords go to the server on stdin, never on a command line. Then it
# runs mariadbd listening on all addresses.
set -eu
trap 'exit 143' TERM INT # as PID 1 the shell would ignore them: `stop` would wait 10 s
datadir=/var/lib/mysql
socket=/run/mysqld/mysqld.sock
case "${1:-mariadbd}" in -*) set -- mariadbd "$@" ;; esac
[ $# -gt 0 ] || set -- mariadbd
case "$1" in mariadbd | mysqld) ;; *) exec "$@" ;; esac
shift
root_password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
user=${MARIADB_USER:-${MYSQL_USER:-}}
password=${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}
database=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
allow_empty=${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}
mkdir -p "$datadir" /run/mysqld
chown mysql:mysql "$datadir" /run/mysqld
sql_string() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")"; }
# (printf, not echo: dash's echo would turn a password's backslashes into escapes)
sql_name() { printf '`%s`' "$(printf '%s' "$1" | sed 's/`/``/g')"; }
if [ ! -d "$datadir/mysql" ]; then
    if [ -z "$root_password" ] && [ -z "$allow_empty" ]; then
        printf '%s\n' "error: database is uninitialized and password option is not specified" >&2
        printf '%s\n' "  You need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" >&2
        exit 1
    fi
    mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db \
        --auth-root-authentication-method=normal >/dev/null
    mariadbd --user=mysql --datadir="$datadir" --skip-networking --socket="$socket" &
    server=$!
    tries=300
    until mariadb-admin --socket="$socket" -uroot ping >/dev/null 2>&1; do
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] && kill -0 "$server" 2>/dev/null || { echo "temporary server failed" >&2; exit 1; }
        sleep 0.1
    done
    {
        printf '%s\n' "SET @@SESSION.SQL_LOG_BIN=0;"
        printf '%s\n' "DELETE FROM mysql.user WHERE user NOT IN ('mysql.sys', 'mariadb.sys', 'root') OR host NOT IN ('localhost');"
        printf '%s\n' "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$root_password");"
        printf '%s\n' "CREATE USER 'root'@'%' IDENTIFIED BY $(sql_string "$root_password");"
        printf '%s\n' "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
        [ -z "$database" ] || printf '%s\n' "CREATE DATABASE IF NOT EXISTS $(sql_name "$database");"
        if [ -n "$user" ] && [ -n "$password" ]; then
            printf '%s\n' "CREATE USER $(sql_string "$user")@'%' IDENTIFIED BY $(sql_string "$password");"
            [ -z "$database" ] || printf '%s\n' "GRANT ALL ON $(sql_name "$database").* TO $(sql_string "$user")@'%';"
        fi
        printf '%s\n' "FLUSH PRIVILEGES;"
    } | mariadb --socket="$socket" -uroot --protocol=socket
    kill "$server"
    wait "$server" || true
    echo "MariaDB init process done. Ready for start up."
fi
exec mariadbd --user=mysql --datadir="$datadir" --socket="$socket" --bind-address=0.0.0.0 "$@"
EOF
}

# ---- building ----

image_hash() { # IMAGE: the foster.build label, empty when there is no such image
    podman image inspect --format '{{index .Labels "foster.build"}}' "$1" 2>/dev/null
}

# Runs mmdebstrap for IMAGE into TAR, with ENTRYPOINT as /usr/local/bin/docker-entrypoint.sh.
bootstrap() { # TAR ENTRYPOINT_FILE PACKAGE CLEANUP_COMMAND
    local -a mirrors
    mapfile -t mirrors <"$work/mirrors"
    mmdebstrap --quiet --variant=minbase --include="$3" \
        --aptopt='APT::Install-Recommends "false"' \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
        --dpkgopt='path-exclude=/usr/lib/*/libLLVM-*' --dpkgopt='path-exclude=/usr/lib/postgresql/*/lib/llvmjit*' \
        --dpkgopt='path-exclude=/usr/lib/postgresql/*/lib/bitcode/*' --dpkgopt=force-unsafe-io \
        --customize-hook="upload $2 /usr/local/bin/docker-entrypoint.sh" \
        --customize-hook='chmod 755 "$1/usr/local/bin/docker-entrypoint.sh"' \
        --customize-hook="$4" \
        --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
        "$codename" "$1" "${mirrors[@]}"
}

# Builds IMAGE from PACKAGE (mmdebstrap, then podman import); the image it
# replaces is removed (unless a container still uses it).
build_one() { # IMAGE PACKAGE ENTRYPOINT_FUNCTION CLEANUP_COMMAND CMD PORT STOPSIGNAL EXTRA_ENV
    local image=$1 tar entry started=$SECONDS old new
    old=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null)
    tar=$work/${image//[\/:]/_}.tar
    entry=$work/${image//[\/:]/_}.entrypoint
    "$3" >"$entry" || return 1
    bootstrap "$tar" "$entry" "$2" "$4" || return 1
    local bootstrapped=$SECONDS
    podman import --quiet \
        --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
        --change "CMD [\"$5\"]" \
        --change "EXPOSE $6" \
        --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        --change "ENV LANG=C.UTF-8" --change "ENV $8" --change "STOPSIGNAL $7" \
        --change "LABEL foster.build=$BUILD_HASH" \
        "$tar" "$image" >/dev/null || return 1
    rm -f "$tar"
    new=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null)
    [ -z "$old" ] || [ "$old" = "$new" ] || podman rmi "$old" >/dev/null 2>&1 || true
    say "built $image in $((SECONDS - started)) s (mmdebstrap $((bootstrapped - started)) s, import $((SECONDS - bootstrapped)) s)"
}

build_images() {
    local -a wanted=()
    [ $force -eq 1 ] || [ "$(image_hash "$PG_IMAGE")" != "$BUILD_HASH" ] && wanted+=(pg)
    [ $force -eq 1 ] || [ "$(image_hash "$MARIADB_IMAGE")" != "$BUILD_HASH" ] && wanted+=(mariadb)
    [ ${#wanted[@]} -gt 0 ] || return 0
    codename=$(release_codename)
    [ -n "$codename" ] || cannot "cannot tell this machine's release (no VERSION_CODENAME in /etc/os-release)"
    mirror_lines | select_mirrors "$codename" >"$work/mirrors"
    [ -s "$work/mirrors" ] ||
        cannot "no deb entry for $codename in /etc/apt/sources.list or /etc/apt/sources.list.d/*.list, *.sources"
    say "building ${wanted[*]} for $codename from: $(tr '\n' ';' <"$work/mirrors")"
    local -a pids=()
    local what status=0
    for what in "${wanted[@]}"; do
        case $what in
        pg) build_one "$PG_IMAGE" postgresql-15 pg_entrypoint \
            'rm -rf "$1"/var/lib/postgresql/15/main "$1"/etc/postgresql/15/main' \
            postgres 5432/tcp SIGINT "PGDATA=/var/lib/postgresql/data" >"$work/pg.log" 2>&1 &
            ;;
        mariadb) build_one "$MARIADB_IMAGE" mariadb-server mariadb_entrypoint \
            'rm -rf "$1"/var/lib/mysql/*' mariadbd 3306/tcp SIGTERM "MARIADB_MAJOR=10.11" \
            >"$work/mariadb.log" 2>&1 &
            ;;
        esac
        pids+=($!)
    done
    local i
    for i in "${!pids[@]}"; do
        if ! wait "${pids[$i]}"; then
            say "building ${wanted[$i]} failed:"
            tail -n 20 "$work/${wanted[$i]}.log" >&2
            status=1
        else
            grep '^build-images:' "$work/${wanted[$i]}.log" >&2
        fi
    done
    return $status
}

# ---- podman's configuration ----

# A trial container: prints podman's error on failure.
trial_run() {
    podman run --rm --network=none "$PG_IMAGE" true 2>&1
}

# Writes the drop-in with the settings ERROR (a failed trial run's output) calls for.
configure_podman() { # ERROR
    local runtime=0 ulimits=0 nofile nproc
    case $1 in
    *"cgroups in hybrid mode"* | *crun*) runtime=1 ;;
    esac
    case $1 in
    *setrlimit* | *RLIMIT* | *rlimit*) ulimits=1 ;;
    esac
    [ -f "$DROP_IN" ] && grep -q '^runtime' "$DROP_IN" && runtime=1
    [ -f "$DROP_IN" ] && grep -q '^default_ulimits' "$DROP_IN" && ulimits=1
    [ $runtime -eq 1 ] || [ $ulimits -eq 1 ] || return 1
    [ $runtime -eq 0 ] || command -v runc >/dev/null ||
        cannot "podman needs runc here (crun cannot run containers): apt-get install -y runc"
    nofile=$(ulimit -Hn)
    nproc=$(ulimit -Hu)
    [ "$nofile" = unlimited ] && nofile=1048576
    [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
    mkdir -p "$DROP_IN_DIR" || return 1
    {
        echo "# Written by foster's tests/container/build-images.sh: what podman needs on this machine."
        if [ $ulimits -eq 1 ]; then
            echo "[containers]"
            echo "default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"
        fi
        if [ $runtime -eq 1 ]; then
            echo "[engine]"
            echo 'runtime = "runc"'
        fi
    } >"$DROP_IN.new" && mv "$DROP_IN.new" "$DROP_IN" || return 1
    say "podman could not start a container; wrote $DROP_IN:"
    sed 's/^/    /' "$DROP_IN" >&2
}

check_podman() {
    local error round
    for round in 1 2 3; do
        error=$(trial_run) && return 0
        [ $round -lt 3 ] && configure_podman "$error" && continue
        printf '%s\n' "$error" | tail -n 5 >&2
        cannot "podman cannot start a container here (its error above)"
    done
}

work=$(mktemp -d /var/tmp/foster-build-images.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
exec 9>>"$LOCK"
flock 9
build_images || exit 1
check_podman

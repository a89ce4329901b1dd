# tests/container/engine_queries.sh — the stand-in engine's read-only subcommands
# (port, inspect, ps, logs), sourced by tests/container/docker: what they print
# is read from a container's directory, in the forms foster parses.
# shellcheck shell=bash
# shellcheck disable=SC2154 # engine, containers: set by docker, which sources this

cmd_port() {
    (($# >= 1 && $# <= 2)) || fail 1 "\"$engine port\" requires 1 or 2 arguments."
    local dir port
    dir=$(container_dir "$1") || no_such_container "$1"
    port=$(cat "$dir/port" 2>/dev/null)
    [[ -n $port ]] || no_such_container "$1" # removed while we looked
    if (($# == 1)); then
        printf '5432/tcp -> 127.0.0.1:%s\n' "$port"
        return
    fi
    if [[ $2 != 5432/tcp && $2 != 5432 ]]; then
        [[ $engine == podman ]] && fail 125 "Error: failed to find published port \"$2\""
        fail 1 "Error: No public port '$2' published for $1"
    fi
    if [[ ${FOSTER_FAKE_ENGINE_PORT_EXTRA:-} == 1 ]]; then
        printf '0.0.0.0:%s\n[::]:%s\n' $((port + 1)) $((port + 2))
    fi
    printf '127.0.0.1:%s\n' "$port"
}

json_string() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//</\\u003c}
    s=${s//>/\\u003e}
    s=${s//&/\\u0026}
    s=${s//$'\n'/\\n}
    s=${s//$'\t'/\\t}
    printf '"%s"' "$s"
}

# Labels as Go's json prints a map: keys sorted.
labels_json() {
    local dir=$1 label first=1
    printf '{'
    while IFS= read -r label; do
        ((first)) || printf ','
        first=0
        json_string "${label%%=*}"
        printf ':'
        json_string "${label#*=}"
    done < <(LC_ALL=C sort -t= -k1,1 -s "$dir/labels")
    printf '}'
}

# The user's -e entries, then the image's own environment.
env_lines() {
    cat "$1/env"
    printf '%s\n' "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/16/bin" \
        "GOSU_VERSION=1.17" "LANG=en_US.utf8" "PG_MAJOR=16" "PGDATA=/var/lib/postgresql/data"
}

container_status() {
    if alive "$(cat "$1/main.pid" 2>/dev/null)"; then
        echo running
    else
        echo exited
    fi
}

cmd_inspect() {
    local format="" status=0 name dir
    while (($#)); do
        case $1 in
        -f | --format)
            (($# >= 2)) || fail 125 "flag needs an argument: $1"
            format=$2
            shift
            ;;
        --format=*) format=${1#--format=} ;;
        --) shift && break ;;
        -*) unknown_flag "$1" inspect ;;
        *) break ;;
        esac
        shift
    done
    (($#)) || fail 1 "\"$engine inspect\" requires at least 1 argument."
    case $format in
    $'{{json .Config.Labels}}\n{{range .Config.Env}}{{println .}}{{end}}' | \
        '{{json .Config.Labels}}' | '{{range .Config.Env}}{{println .}}{{end}}' | '{{.State.Status}}') ;;
    *) unsupported "inspect supports only foster's --format templates, not \"$format\"" ;;
    esac
    for name; do
        if ! dir=$(container_dir "$name"); then
            if [[ $engine == podman ]]; then
                echo "Error: inspecting object: no such object: \"$name\"" >&2
                status=125
            else
                echo "Error: No such object: $name" >&2
                status=1
            fi
            continue
        fi
        case $format in
        '{{.State.Status}}') container_status "$dir" ;;
        '{{json .Config.Labels}}') labels_json "$dir" && echo ;;
        '{{range .Config.Env}}{{println .}}{{end}}') env_lines "$dir" && echo ;;
        *) labels_json "$dir" && echo && env_lines "$dir" && echo ;;
        esac
    done
    exit "$status"
}

cmd_ps() {
    local all=0 format="" filter
    local -a filters=()
    while (($#)); do
        case $1 in
        -a | --all) all=1 ;;
        -f | --filter | --format)
            (($# >= 2)) || fail 125 "flag needs an argument: $1"
            if [[ $1 == --format ]]; then format=$2; else filters+=("$2"); fi
            shift
            ;;
        *) unknown_flag "$1" ps ;;
        esac
        shift
    done
    for filter in "${filters[@]}"; do
        [[ $filter == label=?* ]] || unsupported "ps supports only label filters, not \"$filter\""
    done
    local docker_format=$'{{.Names}}\t{{.Label "foster.run"}}\t{{.Label "foster.pid"}}'
    local podman_format=$'{{.Names}}\t{{index .Labels "foster.run"}}\t{{index .Labels "foster.pid"}}'
    if [[ $engine == podman && $format != "$podman_format" ]]; then
        [[ $format == *'.Label "'* ]] &&
            fail 125 'Error: template: ps:1:24: executing "ps" at <.Label>: can'"'"'t evaluate field Label in type containers.psReporter'
        unsupported "ps supports only foster's --format template, not \"$format\""
    fi
    if [[ $engine == docker && $format != "$docker_format" && $format != "${docker_format//$'\t'/\\t}" ]]; then
        unsupported "ps supports only foster's --format template, not \"$format\""
    fi
    local dir name labels wanted matches
    for dir in "$containers"/*; do
        name=${dir##*/}
        [[ -f $dir/labels ]] || continue
        ((all)) || [[ $(container_status "$dir") == running ]] || continue
        labels=$(cat "$dir/labels")
        matches=1
        for filter in "${filters[@]}"; do
            wanted=${filter#label=}
            if [[ $wanted == *=* ]]; then
                grep -qxF -- "$wanted" <<<"$labels" || matches=0
            else
                grep -q -- "^${wanted//./\\.}=" <<<"$labels" || matches=0
            fi
        done
        ((matches)) || continue
        printf '%s\t%s\t%s\n' "$name" "$(sed -n 's/^foster\.run=//p' <<<"$labels")" \
            "$(sed -n 's/^foster\.pid=//p' <<<"$labels")"
    done
}

cmd_logs() {
    local tail=all
    while (($#)); do
        case $1 in
        -n | --tail)
            (($# >= 2)) || fail 125 "flag needs an argument: $1"
            tail=$2
            shift
            ;;
        -*) unknown_flag "$1" logs ;;
        *) break ;;
        esac
        shift
    done
    (($# == 1)) || fail 1 "\"$engine logs\" requires exactly 1 argument."
    local dir
    dir=$(container_dir "$1") || no_such_container "$1"
    if [[ $tail == all ]]; then cat "$dir/log"; else tail -n "$tail" "$dir/log"; fi
}

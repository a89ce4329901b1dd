# bash completion for foster(1). Installed by `meson install` into
# $datadir/bash-completion/completions/foster, where bash-completion loads it
# the first time `foster` is completed.

_foster() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local commands="run up down reset load check wait gc snapshot diff schema help"
    local common="-c --config -b --backend -u -q --quiet -v --verbose --json -h --help --version"
    local backends="sqlite postgres cluster container mysql mysql-cluster"

    case $prev in
    -c | --config)
        COMPREPLY=($(compgen -f -X '!*.ini' -- "$cur") $(compgen -d -- "$cur"))
        return
        ;;
    -b | --backend)
        COMPREPLY=($(compgen -W "$backends" -- "$cur"))
        return
        ;;
    -u | --url | --timeout | -j | --jobs | --from | --against)
        return
        ;;
    --against-dir)
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    esac

    # The command is the first word that is not an option or an option's value.
    local i command="" after_dashes=""
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
        --) [ -n "$command" ] && after_dashes=$i && break ;;
        -c | --config | -b | --backend | -u | --url | --timeout | -j | --jobs | --from | --against | --against-dir) i=$((i + 1)) ;;
        -*) ;;
        *) [ -z "$command" ] && command=${words[i]} ;;
        esac
    done

    if [ -n "$after_dashes" ]; then
        # After `run ... --`: complete the command to run and its arguments.
        if [ $((after_dashes + 1)) -eq "$cword" ]; then
            COMPREPLY=($(compgen -c -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return
    fi

    local options=""
    case $command in
    "") if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$common" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return ;;
    run) options="--keep --keep-on-failure -j --jobs --" ;;
    up) options="-j --jobs" ;;
    down) options="--strict" ;;
    load) options="--url --force"
        [[ $cur != -* ]] && COMPREPLY=($(compgen -f -- "$cur")) && return ;;
    wait) options="--timeout" ;;
    gc) options="--dry-run" ;;
    snapshot) options="--from --check" ;;
    diff) options="--against --against-dir --strict" ;;
    schema) options="" ;;
    help) COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return ;;
    esac
    COMPREPLY=($(compgen -W "$options $common" -- "$cur"))
}
complete -F _foster foster

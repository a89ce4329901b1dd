#!/usr/bin/env bash
# safety_process_test.sh — the command's whole process tree ends with foster:
# SIGTERM to every child, SIGKILL after the grace period to one ignoring it, a
# background child left behind, a grandchild in its own session; on a
# terminal, an interactive shell under foster reads it and Ctrl-C ends the
# command and tears down.
#
#   usage: safety_process_test.sh FOSTER_BINARY [NAME_REGEX]
#
# The shared server, the conventions and the hooks are safety_lib.sh's.
# Output: TAP, then a last line "N passed, M failed"; exit 0 only when M is 0.

# shellcheck source=SCRIPTDIR/../harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness.sh" "$@"
# shellcheck source=SCRIPTDIR/safety_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/safety_lib.sh"

# Known bugs of foster (not of these tests): name -> why it fails.
# shellcheck disable=SC2034 # read by the harness
declare -A EXPECTED_FAILURES=(
)

# ===========================================================================
# 4. The command's whole process tree ends with foster.

assert_processes_gone() { # PIDFILE... (waits up to 2 s)
    local file pid i
    for file; do
        pid=$(<"$WORK/$file")
        for ((i = 0; i < 200; i++)); do
            process_alive "$pid" || break
            sleep 0.01
        done
        if process_alive "$pid"; then
            kill -KILL "$pid" 2>/dev/null
            fail "process $pid ($file) of the command survived foster"
        fi
    done
}

test_sigterm_ends_the_commands_whole_tree() {
    use_case item
    start_foster run -- sh -c "sleep 300 & echo \$! >'$WORK/worker.pid'; wait"
    wait_for_file "$WORK/worker.pid" 15
    sleep 0.2
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 15
    assert_exit 143
    assert_processes_gone worker.pid
    assert_runtime_empty
}

# A child that ignores SIGTERM gets SIGKILL with the rest, 10 s later.
test_sigkill_after_grace_ends_a_child_ignoring_sigterm() {
    use_case item
    start_foster run -- sh -c "(trap '' TERM; exec sleep 301) & echo \$! >'$WORK/stubborn.pid'; wait"
    wait_for_file "$WORK/stubborn.pid" 15
    sleep 0.2
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 20
    assert_exit 143
    assert_processes_gone stubborn.pid
    assert_runtime_empty
}

# What the command left running when it exited does not outlive the run.
test_background_child_left_by_the_command_is_ended() {
    use_case item
    run_foster run -- sh -c "sleep 302 & echo \$! >'$WORK/left.pid'; exit 3"
    assert_exit 3
    assert_processes_gone left.pid
    assert_runtime_empty
}

# A grandchild that left the process group (setsid) is still found: foster is its subreaper.
test_child_in_its_own_session_is_ended() {
    [ "$(uname -s)" == Linux ] || skip "subreapers are Linux's"
    command -v setsid >/dev/null || skip "no setsid"
    use_case item
    start_foster run -- sh -c "setsid sh -c 'echo \$\$ >\"$WORK/escaped.pid\"; exec sleep 303' & wait; sleep 300"
    wait_for_file "$WORK/escaped.pid" 15
    sleep 0.2
    kill -TERM "$FOSTER_PID"
    wait_for_exit "$FOSTER_PID" 15
    assert_exit 143
    assert_processes_gone escaped.pid
    assert_runtime_empty
}

# On a terminal: an interactive shell under foster reads it, Ctrl-C reaches the command.
run_on_terminal() { # INPUT_SCRIPT -- ARGS... (prints the output, exit status last)
    python3 - "$@" <<'EOF'
import os, pty, sys, time, select
script, args = sys.argv[1], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(args[0], args)
out = b""
def read_for(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return
            if not data:
                return
            out += data
for step in script.split("|"):
    if step.startswith("wait:"):
        want = step[5:].encode()
        end = time.time() + 15
        while want not in out and time.time() < end:
            read_for(0.1)
    else:
        os.write(fd, step.encode().decode("unicode_escape").encode())
read_for(30)  # to the end of the output: foster closes the terminal when it exits
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
print("\nstatus=%d" % (os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)))
EOF
}

test_interactive_shell_under_foster_reads_the_terminal() {
    use_case item
    local out
    out=$(run_on_terminal 'wait:running|echo hi-$((40+2))\nexit 3\n' -- "$FOSTER" run -- sh -i)
    assert_contains "$out" "hi-42" "the terminal"
    assert_contains "$out" "foster: command exited with status 3" "the terminal"
    assert_contains "$out" "status=3" "the terminal"
    assert_runtime_empty
}

test_ctrl_c_on_terminal_ends_the_command_and_tears_down() {
    use_case item
    local out
    out=$(run_on_terminal 'wait:running|\x03' -- "$FOSTER" run -- sh -c 'sleep 300 & sleep 301')
    assert_contains "$out" "status=130" "the terminal"
    assert_contains "$out" "teardown: removed" "the terminal"
    assert_runtime_empty
}

run_tests

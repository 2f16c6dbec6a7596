# A test run that leaves something behind fails (TESTING.md: "A run leaves nothing
# behind"). Sourced by scripts/test.sh; needs root (it reads every process's netns).
#
# What "left behind" means: the throwaway namespaces (in_throwaway_netns) vanish with
# their mount namespace, unless something still holds them. A process still alive after
# the run (a metadata server, a capture) holds its network namespace, and with it every
# link and rule the test made there. So are a namespace mounted into the machine's own
# mount namespace (an nsfs mount outliving every process).
#
# The run's processes are found by session: the run gets a session of its own (setsid),
# and a process keeps its session id when it is orphaned and re-parented to init, while
# concurrent runs (other checkouts on the same machine) have theirs. A process that
# starts a session of its own (setsid(2), a daemon) escapes this check.

# run_leaving_nothing_behind CMD...: runs CMD (a command or a shell function) in a new
# session; then, once the run's processes have had up to 5 s to exit, lists those still
# alive (pid, netns, command), kills them by pid (SIGKILL) and fails. Also fails on nsfs
# mounts the run added to the machine's mount namespace. Returns CMD's status otherwise.
run_leaving_nothing_behind() {
    local marker session status=0 mounts_before
    marker="$(mktemp)"
    mounts_before="$(leftover_namespace_mounts)"
    if [ "$(type -t "$1")" = function ]; then export -f "$1"; fi
    # In the background, so that an interrupt reaches this shell (the run, in another
    # session, does not get the terminal's ^C) and takes the whole session down.
    setsid --wait bash -c 'echo "$$" >"$0"; "$@"' "$marker" "$@" &
    local runner=$!
    trap 'leftover_kill "$(cat "$marker")" >/dev/null; rm -f "$marker"; exit 130' INT TERM
    wait "$runner" || status=$?
    trap - INT TERM
    session="$(cat "$marker")"
    rm -f "$marker"
    local left=""
    for _ in $(seq 50); do
        left="$(leftover_processes "$session")"
        [ -z "$left" ] && break
        sleep 0.1
    done
    if [ -n "$left" ]; then
        printf 'error: the test run left %s process(es) behind (session %s); killed now:\n%s\n' \
            "$(printf '%s\n' "$left" | wc -l)" "$session" "$left" >&2
        leftover_kill "$session"
        status=1
    fi
    local mounts_added
    mounts_added="$(comm -13 <(printf '%s\n' "$mounts_before") <(leftover_namespace_mounts))"
    if [ -n "$mounts_added" ]; then
        printf 'error: the test run left namespace mounts in the machine'"'"'s mount namespace:\n%s\n' \
            "$mounts_added" >&2
        status=1
    fi
    return "$status"
}

# leftover_processes SESSION: "PID NETNS COMMAND" for each live process of SESSION.
leftover_processes() {
    local pid
    for pid in $(ps -e -o pid=,sid=,stat= | awk -v session="$1" '$2 == session && $3 !~ /^Z/ {print $1}'); do
        printf '  %s %s %s\n' "$pid" "$(readlink "/proc/$pid/ns/net" 2>/dev/null || echo '?')" \
            "$(tr '\0\n' '  ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-100)"
    done
}

# leftover_kill SESSION: SIGKILL to each process of SESSION, by pid.
leftover_kill() {
    local pid
    for pid in $(ps -e -o pid=,sid= | awk -v session="$1" '$2 == session {print $1}'); do
        kill -KILL "$pid" 2>/dev/null || true
    done
}

# leftover_namespace_mounts: the mount points of namespaces (nsfs) in this mount namespace.
leftover_namespace_mounts() {
    awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "nsfs") print $5; break } }' \
        /proc/self/mountinfo | sort
}
